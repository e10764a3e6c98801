package io.tandem.schemas;

import java.util.Map;

/**
 * A labelled event on {@code tandem.events}.
 *
 * @param id      event id, 1..256 characters
 * @param task    declared task name, 1..256 characters
 * @param user    user id (also the record key), 1..256 characters
 * @param item    item id, 1..256 characters
 * @param label   finite label; its range is checked against the {@link TaskCatalog} by the codec
 * @param ts      event time, epoch milliseconds, >= 0
 * @param context feature map, values String, Long or finite Double; null becomes an empty map; copied
 */
public record LabelledEvent(String id, String task, String user, String item, double label, long ts,
              Map<String, Object> context) {
  /** Validates every field and copies the context; throws IllegalArgumentException naming the field. */
  public LabelledEvent {
    Checks.id("id", id);
    Checks.id("task", task);
    Checks.id("user", user);
    Checks.id("item", item);
    Checks.finite("label", label);
    Checks.timestamp("ts", ts);
    context = Checks.context(context);
  }
}
