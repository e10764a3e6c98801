package io.tandem.streams.learning;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.schemas.LabelledEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

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
    if (context == null || context.isEmpty()) {
      return new Example(user, item, Map.of(), Map.of());
    }
    ContextSplit split = new ContextSplit(context.size());
    context.forEach(split);
    return new Example(user, item, split.categorical(), split.numeric());
  }

  /** The model input of a labelled event (its label not included). */
  public static Example of(LabelledEvent event) {
    return of(event.user(), event.item(), event.context());
  }

  /** The labelled model input of an event: its example with one label, for its task. */
  public static LabelledExample labelled(LabelledEvent event) {
    return LabelledExample.of(of(event), event.task(), event.label());
  }

  /**
   * Splits one context into its categorical and numeric parts, building the immutable maps the
   * {@link Example} keeps directly ({@code Map.copyOf} of an immutable map is the map itself), so
   * an event costs no intermediate hash maps. Iterated with {@link Map#forEach}, which an
   * unmodifiable view passes straight to the map it wraps.
   */
  private static final class ContextSplit implements BiConsumer<String, Object> {

    private final String[] categoricalKeys;
    private final String[] categoricalValues;
    private final String[] numericKeys;
    private final Double[] numericValues;
    private int categoricalCount;
    private int numericCount;

    ContextSplit(int capacity) {
      categoricalKeys = new String[capacity];
      categoricalValues = new String[capacity];
      numericKeys = new String[capacity];
      numericValues = new Double[capacity];
    }

    @Override
    public void accept(String key, Object value) {
      if (value instanceof String s) {
        categoricalKeys[categoricalCount] = key;
        categoricalValues[categoricalCount++] = s;
      } else if (value instanceof Number n) {
        numericKeys[numericCount] = key;
        numericValues[numericCount++] = n.doubleValue();
      }
    }

    Map<String, String> categorical() {
      return switch (categoricalCount) {
        case 0 -> Map.of();
        case 1 -> Map.of(categoricalKeys[0], categoricalValues[0]);
        default -> toMap(categoricalKeys, categoricalValues, categoricalCount);
      };
    }

    Map<String, Double> numeric() {
      return switch (numericCount) {
        case 0 -> Map.of();
        case 1 -> Map.of(numericKeys[0], numericValues[0]);
        default -> toMap(numericKeys, numericValues, numericCount);
      };
    }

    private static <V> Map<String, V> toMap(String[] keys, V[] values, int count) {
      Map<String, V> map = new HashMap<>(2 * count);
      for (int i = 0; i < count; i++) {
        map.put(keys[i], values[i]);
      }
      return map;
    }
  }
}
