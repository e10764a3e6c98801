package io.tandem.schemas;

import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * An unlabelled prediction request on {@code tandem.requests}.
 *
 * @param id      request id, 1..256 characters
 * @param user    user id (also the record key)
 * @param item    item id
 * @param tasks   distinct task names to score; empty (or null) means all declared tasks; copied
 * @param ts      request time, epoch milliseconds, >= 0
 * @param context feature map as in {@link LabelledEvent}
 */
public record PredictionRequest(String id, String user, String item, List<String> tasks, long ts,
                Map<String, Object> context) {
  /** Validates every field and copies the collections. */
  public PredictionRequest {
    Checks.id("id", id);
    Checks.id("user", user);
    Checks.id("item", item);
    tasks = tasks == null ? List.of() : List.copyOf(tasks);
    for (int i = 0; i < tasks.size(); i++) {
      Checks.id("tasks[" + i + "]", tasks.get(i));
    }
    if (new HashSet<>(tasks).size() != tasks.size()) {
      throw new IllegalArgumentException("tasks: must be distinct, got " + tasks);
    }
    Checks.timestamp("ts", ts);
    context = Checks.context(context);
  }
}
