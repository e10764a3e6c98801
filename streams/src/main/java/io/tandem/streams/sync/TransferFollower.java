package io.tandem.streams.sync;

import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.TransferUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;

/**
 * Finds the transfer promotions one stream task should follow: the newest update of each task on
 * {@code topics.transfer-updates} (as the transfer store holds them, key = task) that is a
 * {@code promoted} decision of ANOTHER stream task and was not seen before.
 *
 * <p>The publishing stream task is read from the update id,
 * {@code <task>.<scope>.v<model version>.<decision>} ({@code io.tandem.streams.learning
 * .TransferUpdates}). {@code started} and {@code rolled_back} updates are never followed (a
 * rolled-back candidate changed nothing on its replica); the follower's own updates neither,
 * so a follow never echoes.
 *
 * <p>What was there when the follower was created counts as seen: a replica that starts (or
 * moves to this instance) does not replay old promotions; a promotion published while this
 * stream task was not running anywhere is not followed (documented limit; the next drift is).
 *
 * <p>Not thread-safe: one stream task's thread.
 */
public final class TransferFollower {

  private final String scope;
  private final JsonCodec<TransferUpdate> codec;
  private final Map<String, String> seen = new HashMap<>();

  /**
   * A follower for one stream task.
   *
   * @param scope this stream task's id as it appears in its own update ids (e.g. {@code 0_3})
   * @param codec reads the updates
   * @param current the transfer store's entries now: all count as seen; read to the end
   */
  public TransferFollower(String scope, JsonCodec<TransferUpdate> codec,
      Iterator<KeyValue<String, byte[]>> current) {
    this.scope = Objects.requireNonNull(scope, "scope");
    this.codec = Objects.requireNonNull(codec, "codec");
    newPromotions(current);
  }

  /**
   * The promotions to follow now, each task at most once, and marks every update read as seen.
   *
   * @param entries the transfer store's entries (task, update JSON); read to the end
   * @return promotions by other stream tasks, not seen before, in store order
   */
  public List<TransferUpdate> newPromotions(Iterator<KeyValue<String, byte[]>> entries) {
    Objects.requireNonNull(entries, "entries");
    List<TransferUpdate> out = new ArrayList<>();
    while (entries.hasNext()) {
      KeyValue<String, byte[]> entry = entries.next();
      if (entry.value == null) {
        continue;
      }
      if (!(codec.decode(entry.value) instanceof Decoded.Valid<TransferUpdate> valid)) {
        continue;
      }
      TransferUpdate update = valid.value();
      if (update.id().equals(seen.put(update.task(), update.id()))) {
        continue;
      }
      if (update.decision() == TransferUpdate.Decision.PROMOTED
          && scopeOf(update).filter(s -> !s.equals(scope)).isPresent()) {
        out.add(update);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The scope (publishing stream task or tool) in an update id
   * {@code <task>.<scope>.v<version>.<decision>}; empty for an id of another shape.
   */
  public static Optional<String> scopeOf(TransferUpdate update) {
    String id = update.id();
    String head = update.task() + ".";
    String tail = ".v" + update.modelVersion() + "." + update.decision().json();
    if (!id.startsWith(head) || !id.endsWith(tail)
        || id.length() <= head.length() + tail.length()) {
      return Optional.empty();
    }
    return Optional.of(id.substring(head.length(), id.length() - tail.length()));
  }
}
