package io.tandem.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.TransferUpdate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class TransferFollowerTest {

  private final List<KeyValue<String, byte[]>> store = new ArrayList<>();

  private static TransferUpdate update(String task, String scope, long version,
      TransferUpdate.Decision decision) {
    return new TransferUpdate(task + "." + scope + ".v" + version + "." + decision.json(), task,
        TransferUpdate.Action.TRANSFER, TransferUpdate.Trigger.DRIFT, "adwin", 1L, List.of(),
        decision, "logloss", 0.7, decision == TransferUpdate.Decision.STARTED ? null : 0.6,
        version, 1);
  }

  private void put(TransferUpdate u) {
    store.removeIf(kv -> kv.key.equals(u.task()));
    store.add(KeyValue.pair(u.task(), Codecs.transferUpdates().encode(u)));
  }

  @Test
  void shouldFollowAnotherScopesPromotionOnceAndTreatWhatWasThereAtStartAsSeen() {
    // Given an old promotion by 0_1 already in the store when the follower starts
    put(update("ctr", "0_1", 3, TransferUpdate.Decision.PROMOTED));
    TransferFollower follower = new TransferFollower("0_0", Codecs.transferUpdates(),
        store.iterator());

    // When a newer promotion by 0_2 arrives, and the store is read twice
    TransferUpdate fresh = update("ctr", "0_2", 9, TransferUpdate.Decision.PROMOTED);
    put(fresh);
    List<TransferUpdate> first = follower.newPromotions(store.iterator());
    List<TransferUpdate> second = follower.newPromotions(store.iterator());

    // Then only the new one is followed, once
    assertThat(first).containsExactly(fresh);
    assertThat(second).isEmpty();
  }

  @Test
  void shouldNotFollowItsOwnUpdatesStartsRollbacksOrGarbage() {
    TransferFollower follower = new TransferFollower("0_0", Codecs.transferUpdates(),
        store.iterator());
    put(update("ctr", "0_0", 3, TransferUpdate.Decision.PROMOTED));
    put(update("rating", "0_1", 4, TransferUpdate.Decision.ROLLED_BACK));
    put(update("cvr", "0_1", 5, TransferUpdate.Decision.STARTED));
    store.add(KeyValue.pair("junk", "{not json".getBytes(StandardCharsets.UTF_8)));

    assertThat(follower.newPromotions(store.iterator())).isEmpty();
  }

  @Test
  void shouldReadTheScopeOutOfTheUpdateId() {
    assertThat(TransferFollower.scopeOf(update("ctr", "1_12", 7,
        TransferUpdate.Decision.PROMOTED))).contains("1_12");
    assertThat(TransferFollower.scopeOf(update("ctr", "learn", 7,
        TransferUpdate.Decision.ROLLED_BACK))).contains("learn");
    TransferUpdate odd = new TransferUpdate("something-else", "ctr",
        TransferUpdate.Action.TRANSFER, TransferUpdate.Trigger.DRIFT, "adwin", 1L, List.of(),
        TransferUpdate.Decision.PROMOTED, "logloss", 0.7, 0.6, 7, 1);
    assertThat(TransferFollower.scopeOf(odd)).isEmpty();
  }
}
