package io.tandem.schemas;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** An immutable set of declared tasks, by name. Thread-safe. */
public final class TaskCatalog {
  private final Map<String, TaskDeclaration> byName;

  private TaskCatalog(Map<String, TaskDeclaration> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * @param tasks declarations with distinct names (order kept)
   * @throws IllegalArgumentException on a duplicate name
   */
  public static TaskCatalog of(Collection<TaskDeclaration> tasks) {
    Map<String, TaskDeclaration> map = new LinkedHashMap<>();
    for (TaskDeclaration t : tasks) {
      if (map.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("tasks: duplicate task name '" + t.name() + "'");
      }
    }
    return new TaskCatalog(map);
  }

  /** @return the declaration named {@code name}, if declared */
  public Optional<TaskDeclaration> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** @return the declared names, in declaration order, unmodifiable */
  public Set<String> names() {
    return byName.keySet();
  }

  /** @return true when {@code task} is declared and {@code label} fits its type and range */
  public boolean accepts(String task, double label) {
    TaskDeclaration t = byName.get(task);
    return t != null && t.labelProblem(label) == null;
  }

  @Override
  public String toString() {
    return "TaskCatalog" + byName.values();
  }
}
