package io.tandem.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Test helper: which components of two values of one record type differ. */
public final class RecordComponents {

  private RecordComponents() {
  }

  /**
   * The names of the components whose values are not {@link Objects#equals} in {@code before}
   * and {@code after}, sorted.
   *
   * @param before a record value, not null
   * @param after a value of the same record type, not null
   * @throws IllegalArgumentException if the two are not values of one record type
   */
  public static Set<String> changed(Record before, Record after) {
    if (before.getClass() != after.getClass()) {
      throw new IllegalArgumentException("changed: need two values of one record type, got "
          + before.getClass().getName() + " and " + after.getClass().getName());
    }
    Set<String> names = new TreeSet<>();
    for (RecordComponent component : before.getClass().getRecordComponents()) {
      if (!Objects.equals(value(component, before), value(component, after))) {
        names.add(component.getName());
      }
    }
    return names;
  }

  private static Object value(RecordComponent component, Record record) {
    try {
      return component.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read component " + component.getName(), e);
    }
  }
}
