package io.tandem.streams.learning;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.schemas.LabelledEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns contract records into model inputs.
 *
 * <p>Context: a string value becomes a categorical feature (field name to value), a number a
 * numeric feature (as a double); other values (the contract allows none) are ignored, as are
 * nulls. Which of these the model actually uses is the model configuration's choice
 * ({@code model.context.categorical}, {@code model.context.numeric}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Examples {

  private Examples() {}

  /**
   * The model input of a user, an item and a context.
   *
   * @param user non-empty user id
   * @param item non-empty item id
   * @param context field to string or number; null means empty
   * @throws IllegalArgumentException for an empty id or a non-finite number
   */
  public static Example of(String user, String item, Map<String, ?> context) {
    Map<String, String> categorical = new LinkedHashMap<>();
    Map<String, Double> numeric = new LinkedHashMap<>();
    if (context != null) {
      for (Map.Entry<String, ?> e : context.entrySet()) {
        Object v = e.getValue();
        if (v instanceof String s) {
          categorical.put(e.getKey(), s);
        } else if (v instanceof Number n) {
          numeric.put(e.getKey(), n.doubleValue());
        }
      }
    }
    return new Example(user, item, categorical, numeric);
  }

  /** The model input of a labelled event (its label not included). */
  public static Example of(LabelledEvent event) {
    return of(event.user(), event.item(), event.context());
  }

  /** The labelled model input of an event: its example with one label, for its task. */
  public static LabelledExample labelled(LabelledEvent event) {
    return LabelledExample.of(of(event), event.task(), event.label());
  }
}
