package io.tandem.model.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tandem.model.Example;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.RowKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link MultiTaskModel#boostRelearning}: exact step scaling, span, state, arguments. */
class RelearningBoostTest {

  /**
   * Embedding rows are stored as floats: a boosted step and four plain steps each round once to
   * float (ulp ~1.2e-7 at |w| ~ 1), so their changes agree to a few ulps.
   */
  private static final double ROW_TOLERANCE = 1e-6;
  /**
   * Dense parameters are doubles: a step is the difference of two doubles near |w|, exact to a
   * few ulps of w, plus a relative error of one extra multiplication.
   */
  private static final double DENSE_RELATIVE_TOLERANCE = 1e-9;
  private static final double EMBEDDING_FACTOR = 4.0;
  private static final double SHARED_FACTOR = 2.0;

  /** Two identically trained models (all 40 users and 30 items seen). */
  private static MultiTaskModel[] twins() {
    MultiTaskModel a = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    MultiTaskModel b = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    for (List<LabelledExample> batch : TransferStreams.batches(TransferStreams.TWO, 3, 40, 32,
        -1)) {
      a.learn(batch);
      b.learn(batch);
    }
    return new MultiTaskModel[] {a, b};
  }

  /** Task a's events on users u0..u7 and items i0..i7, task b's on u20..u27 and i20..i27. */
  private static List<LabelledExample> disjointBatch() {
    List<LabelledExample> batch = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      batch.add(LabelledExample.of(Example.of("u" + k, "i" + k), "a", k % 2));
      batch.add(LabelledExample.of(Example.of("u" + (20 + k), "i" + (20 + k)), "b", 1 - k % 2));
    }
    return List.copyOf(batch);
  }

  /** The dense parameters, read from the dense blob's documented layout (SnapshotFormat). */
  private static double[] denseParameters(MultiTaskModel model) throws IOException {
    try (DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(model.exportDense()))) {
      in.readInt(); // magic
      in.readInt(); // format version
      for (int i = 0; i < 5; i++) {
        in.readLong(); // fingerprint, version, events, next sweep, last affinity measurement
      }
      double[] out = new double[in.readInt()];
      for (int i = 0; i < out.length; i++) {
        out[i] = in.readDouble();
      }
      return out;
    }
  }

  /**
   * A row's values from its binary form (EmbeddingRow#toBytes: byte version, byte flags, long
   * sightings, long last touch, long updates, int value count, int state count, values, state).
   */
  private static float[] rowValues(byte[] row) {
    ByteBuffer in = ByteBuffer.wrap(row);
    in.position(1 + 1 + 8 + 8 + 8);
    float[] values = new float[in.getInt()];
    in.getInt(); // state length
    for (int i = 0; i < values.length; i++) {
      values[i] = in.getFloat();
    }
    return values;
  }

  private static double[] rowStep(Map<RowKey, byte[]> before, Map<RowKey, byte[]> after,
      String table, String id) {
    RowKey key = new RowKey(table, id);
    float[] from = rowValues(before.get(key));
    float[] to = rowValues(after.get(key));
    double[] step = new double[from.length];
    for (int i = 0; i < step.length; i++) {
      step[i] = (double) to[i] - from[i];
    }
    return step;
  }

  @Test
  void shouldScaleTheStepsOfTheDriftedTasksRowsAndOfTheSharedPartExactly() throws IOException {
    // Given twins, one of them boosted for task a
    MultiTaskModel[] twins = twins();
    MultiTaskModel boosted = twins[0];
    MultiTaskModel plain = twins[1];
    boosted.boostRelearning("a", EMBEDDING_FACTOR, SHARED_FACTOR, 10_000);
    double[] denseBefore = denseParameters(plain);
    Map<RowKey, byte[]> rowsBefore = plain.drainDirtyRows();
    boosted.drainDirtyRows();

    // When both learn one batch whose a- and b-events touch disjoint users and items
    List<LabelledExample> batch = disjointBatch();
    boosted.learn(batch);
    plain.learn(batch);

    // Then a's rows moved exactly EMBEDDING_FACTOR times as far, b's rows exactly as far
    Map<RowKey, byte[]> boostedRows = boosted.drainDirtyRows();
    Map<RowKey, byte[]> plainRows = plain.drainDirtyRows();
    for (int k = 0; k < 8; k++) {
      for (String[] row : new String[][] {{"user", "u" + k}, {"item", "i" + k}}) {
        double[] big = rowStep(rowsBefore, boostedRows, row[0], row[1]);
        double[] small = rowStep(rowsBefore, plainRows, row[0], row[1]);
        assertThat(Arrays.stream(small).map(Math::abs).max().orElseThrow())
            .isGreaterThan(100 * ROW_TOLERANCE);
        for (int i = 0; i < big.length; i++) {
          assertThat(big[i]).isCloseTo(EMBEDDING_FACTOR * small[i],
              within(ROW_TOLERANCE));
        }
      }
      for (String[] row : new String[][] {{"user", "u" + (20 + k)}, {"item", "i" + (20 + k)}}) {
        assertThat(rowValues(boostedRows.get(new RowKey(row[0], row[1]))))
            .isEqualTo(rowValues(plainRows.get(new RowKey(row[0], row[1]))));
      }
    }
    // and every dense parameter moved either SHARED_FACTOR times as far (the shared part, which
    // comes first) or exactly as far (the towers, last; their gradient of this step does not
    // depend on the boost): both kinds occur, in that order
    double[] big = denseParameters(boosted);
    double[] small = denseParameters(plain);
    int lastScaled = -1;
    int firstPlain = Integer.MAX_VALUE;
    for (int i = 0; i < big.length; i++) {
      double stepBig = big[i] - denseBefore[i];
      double stepSmall = small[i] - denseBefore[i];
      if (stepSmall == 0.0) {
        assertThat(stepBig).isZero();
        continue;
      }
      if (stepBig == stepSmall) {
        firstPlain = Math.min(firstPlain, i);
      } else {
        assertThat(stepBig).isCloseTo(SHARED_FACTOR * stepSmall, within(
            DENSE_RELATIVE_TOLERANCE * Math.abs(stepSmall) + 4 * Math.ulp(denseBefore[i])));
        lastScaled = i;
      }
    }
    assertThat(lastScaled).isNotNegative();
    assertThat(firstPlain).isGreaterThan(lastScaled).isLessThan(big.length);
  }

  @Test
  void shouldEndAfterItsSpanAndBeCancelledBySpanZero() {
    // Given a model boosted for 64 learned events
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    model.boostRelearning("a", EMBEDDING_FACTOR, SHARED_FACTOR, 64);
    List<List<LabelledExample>> batches = TransferStreams.batches(TransferStreams.TWO, 4, 3, 32,
        -1);

    // When it learns 64 events, then 32 more
    model.learn(batches.get(0));
    model.learn(batches.get(1));
    String during = model.relearningTask();
    model.learn(batches.get(2));

    // Then the boost ran through its span and ended after it
    assertThat(during).isEqualTo("a");
    assertThat(model.relearningTask()).isNull();
    // and span 0 (or both factors 1) cancels a running boost
    model.boostRelearning("b", 2.0, 1.0, 1_000);
    assertThat(model.relearningTask()).isEqualTo("b");
    model.boostRelearning("b", 2.0, 1.0, 0);
    assertThat(model.relearningTask()).isNull();
    model.boostRelearning("b", 1.0, 1.0, 1_000);
    assertThat(model.relearningTask()).isNull();
  }

  @Test
  void shouldContinueBitIdenticallyAfterARestartMidBoost() throws IOException {
    // Given a boosted model, and a copy restored from its snapshot mid-boost
    MultiTaskModel straight = twins()[0];
    straight.boostRelearning("a", EMBEDDING_FACTOR, SHARED_FACTOR, 500);
    List<List<LabelledExample>> batches = TransferStreams.batches(TransferStreams.TWO, 5, 40, 32,
        -1);
    for (List<LabelledExample> batch : batches.subList(0, 10)) {
      straight.learn(batch);
    }
    ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
    straight.writeSnapshot(snapshot);
    MultiTaskModel restored = MultiTaskModel.readSnapshot(
        new ByteArrayInputStream(snapshot.toByteArray()));

    // When both learn past the end of the boost
    assertThat(restored.relearningTask()).isEqualTo("a");
    for (List<LabelledExample> batch : batches.subList(10, 40)) {
      straight.learn(batch);
      restored.learn(batch);
    }

    // Then they end bit-identical
    assertThat(restored.relearningTask()).isNull();
    assertThat(restored.exportDense()).isEqualTo(straight.exportDense());
    ByteArrayOutputStream endA = new ByteArrayOutputStream();
    ByteArrayOutputStream endB = new ByteArrayOutputStream();
    straight.writeSnapshot(endA);
    restored.writeSnapshot(endB);
    assertThat(endB.toByteArray()).isEqualTo(endA.toByteArray());
  }

  @Test
  void shouldReadADenseBlobOfTheFormatBeforeTheBoostAsNoBoost() {
    // Given a boosted model's dense blob rewritten as format 3: version 3 and without the
    // trailing re-learning section (int task, double, double, long = 28 bytes) and the format-5
    // residual section after it (empty: int count, byte flag = 5 bytes)
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    model.boostRelearning("a", EMBEDDING_FACTOR, SHARED_FACTOR, 1_000);
    byte[] current = model.exportDense();
    byte[] older = Arrays.copyOf(current, current.length - 33);
    ByteBuffer.wrap(older).putInt(4, 3);

    // When a boosted model imports it
    MultiTaskModel reader = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    reader.boostRelearning("b", 2.0, 2.0, 1_000);
    reader.importDense(older);

    // Then it reads as "no re-learning boost", and the current blob round-trips it
    assertThat(reader.relearningTask()).isNull();
    reader.importDense(current);
    assertThat(reader.relearningTask()).isEqualTo("a");
    assertThat(reader.exportDense()).isEqualTo(current);
  }

  @Test
  void shouldRejectADenseBlobWithAnImpossibleBoostFactor() {
    // Given a boosted model's blob whose embedding factor is NaN: 29 bytes from the end, before
    // the shared factor (8), the until-event (8) and the empty residual section of format 5
    // (int count 0, byte "no residual candidate")
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);
    model.boostRelearning("a", EMBEDDING_FACTOR, SHARED_FACTOR, 1_000);
    byte[] blob = model.exportDense();
    ByteBuffer.wrap(blob).putDouble(blob.length - 29, Double.NaN);

    // Then a reader says what is wrong
    assertThatThrownBy(() -> MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO)
        .importDense(blob))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("re-learning boost factors NaN and 2.0");
  }

  @Test
  void shouldRejectBadArgumentsNamingThem() {
    MultiTaskModel model = MultiTaskModel.create(TransferStreams.SMALL, TransferStreams.TWO);

    assertThatThrownBy(() -> model.boostRelearning("zzz", 2.0, 2.0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zzz");
    assertThatThrownBy(() -> model.boostRelearning("a", 0.5, 2.0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("embeddingFactor: must be in [1, 100], got 0.5");
    assertThatThrownBy(() -> model.boostRelearning("a", Double.NaN, 2.0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("embeddingFactor");
    assertThatThrownBy(() -> model.boostRelearning("a", 2.0, 101.0, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sharedFactor: must be in [1, 100], got 101.0");
    assertThatThrownBy(() -> model.boostRelearning("a", 2.0, 2.0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("events: must be >= 0, got -1");
    assertThat(model.relearningTask()).isNull();
  }
}
