package io.tandem.streams.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.model.LabelledExample;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.model.metrics.ScoreAccumulator;
import io.tandem.model.metrics.Scores;
import io.tandem.model.metrics.TargetKind;
import io.tandem.model.transfer.TransferEvent;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionSerializer;
import io.tandem.schemas.Rejection;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.learning.Examples;
import io.tandem.streams.learning.PrequentialTrainer;
import io.tandem.streams.learning.TransferUpdates;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Runs a model prequentially over a file of labelled events: each micro-batch is predicted (one
 * prediction per event, in the predictions topic's exact format), then learned, by the same
 * {@link PrequentialTrainer} the stream processor uses.
 *
 * <p>Batching: consecutive valid events form batches of {@code batchSize} (the last one may be
 * smaller). There is no linger offline — time plays no part — so the same file and the same seed
 * always give the same batches and byte-identical predictions.
 *
 * <p>Invalid input never stops a run: a line the contract's codec rejects, or one longer than
 * {@code maxRecordBytes}, is counted, reported with its line number and reason (the first
 * {@link #REPORTED_REJECTIONS} in the {@link ReplayReport}), and, if a rejects stream is given,
 * written there as {@code {"line":N,"reason":CODE,"message":TEXT,"record":ORIGINAL}}.
 *
 * <p>Pipeline: one background thread reads and decodes lines into batches, the calling thread
 * predicts and learns, and a second background thread encodes and writes the predictions — so
 * the model, the only heavy stage, runs alone on its thread. Batches pass through small bounded
 * queues in order, so the result does not depend on timing.
 *
 * <p>Not thread-safe: one {@link #run} at a time (the trainer is stateful anyway).
 */
public final class PrequentialReplay {

  /** How many rejected lines a {@link ReplayReport} lists (all are counted). */
  public static final int REPORTED_REJECTIONS = 20;

  /** The scope in the ids of the transfer updates a replay writes. */
  public static final String UPDATE_SCOPE = "learn";

  private static final int QUEUED_BATCHES = 8;
  private static final byte NEWLINE = '\n';

  private final JsonCodec<LabelledEvent> eventCodec;
  private final PredictionSerializer predictionWriter = new PredictionSerializer();
  private final JsonCodec<TransferUpdate> updateCodec = Codecs.transferUpdates();
  private final PrequentialTrainer trainer;
  private final int batchSize;
  private final int maxRecordBytes;

  /**
   * Creates a replay.
   *
   * @param eventCodec the contract's labelled-event codec for the configured tasks
   * @param trainer the prequential loop around the model to run; it keeps its state afterwards
   * @param batchSize events per micro-batch ({@code learner.batch.size}), &gt;= 1
   * @param maxRecordBytes longest accepted line in bytes ({@code max.record.bytes}), &gt;= 1
   */
  public PrequentialReplay(
      JsonCodec<LabelledEvent> eventCodec, PrequentialTrainer trainer, int batchSize, int maxRecordBytes) {
    this.eventCodec = Objects.requireNonNull(eventCodec, "eventCodec");
    this.trainer = Objects.requireNonNull(trainer, "trainer");
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "Invalid value " + batchSize + " for configuration learner.batch.size: must be >= 1");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException(
          "Invalid value " + maxRecordBytes + " for configuration max.record.bytes: must be >= 1");
    }
    this.batchSize = batchSize;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Replays {@code events} into {@code predictions}.
   *
   * @param events JSON Lines of labelled events; read to its end, not closed
   * @param predictions receives one JSON line per valid event, in input order; flushed, not closed
   * @param rejectsOrNull receives one JSON line per rejected line, or null to only count them;
   *     flushed, not closed
   * @param linesDone called on this thread after each batch with the input lines consumed so far
   *     (for a progress bar); not null
   * @return counts, timing and prequential metrics
   * @throws IOException if reading or writing fails
   * @throws IllegalArgumentException if the trainer rejects a batch (events valid per the codec
   *     but not for the model: a configuration mismatch); nothing more is written then
   */
  public ReplayReport run(
      InputStream events, OutputStream predictions, OutputStream rejectsOrNull,
      LongConsumer linesDone) throws IOException {
    return run(events, predictions, rejectsOrNull, null, linesDone);
  }

  /**
   * Replays {@code events} into {@code predictions} and writes the transfer updates the drift
   * watch publishes (when the trainer watches for drift) to {@code updatesOrNull}.
   *
   * @param updatesOrNull receives one JSON line per transfer update (the
   *     {@code tandem.transfer-updates} format, scope {@code learn}, ts = the batch's last event
   *     time), or null; flushed, not closed
   * @see #run(InputStream, OutputStream, OutputStream, LongConsumer)
   */
  public ReplayReport run(
      InputStream events, OutputStream predictions, OutputStream rejectsOrNull,
      OutputStream updatesOrNull, LongConsumer linesDone) throws IOException {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(linesDone, "linesDone");
    Map<String, ScoreAccumulator> overall = new LinkedHashMap<>();
    for (TaskSpec task : trainer.tasks()) {
      overall.put(
          task.name(),
          ScoreAccumulator.cumulative(
              task.kind() == TaskKind.BINARY ? TargetKind.BINARY_LABEL : TargetKind.REAL));
    }
    long start = System.nanoTime();
    Decoder decoder = new Decoder(events, rejectsOrNull);
    Thread decoding = new Thread(decoder, "tandem-learn-decode");
    decoding.setDaemon(true);
    decoding.start();
    Writer writer = new Writer(predictions, updatesOrNull);
    Thread writing = new Thread(writer, "tandem-learn-write");
    writing.setDaemon(true);
    writing.start();
    long learned = 0;
    List<TransferEvent> transfers = new ArrayList<>();
    try {
      while (true) {
        Batch batch = decoder.queue.take();
        if (batch.failure() instanceof IOException failure) {
          throw failure;
        }
        if (batch.failure() instanceof RuntimeException failure) {
          throw failure;
        }
        if (batch.events().isEmpty()) {
          break;
        }
        writer.throwIfFailed();
        writer.queue.put(step(batch, overall, transfers, updatesOrNull != null));
        learned += batch.events().size();
        linesDone.accept(batch.lastLine());
      }
      writer.finish();
      joinQuietly(writing);
      writer.throwIfFailed();
      predictions.flush();
      if (updatesOrNull != null) {
        updatesOrNull.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while replaying");
    } finally {
      decoding.interrupt();
      joinQuietly(decoding);
      if (writing.isAlive()) {
        writer.finishQuietly();
        joinQuietly(writing);
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Map<String, Scores> scores = new LinkedHashMap<>();
    overall.forEach((task, accumulator) -> scores.put(task, accumulator.scores()));
    return new ReplayReport(
        decoder.lines, learned, decoder.rejected, decoder.firstRejections, elapsed,
        trainer.version(), scores, trainer.metrics(), transfers);
  }

  /**
   * Predicts and learns one batch on the calling thread. Its own method so the JIT compiles it as
   * an ordinary method instead of within on-stack replacements of the replay loop (JFR: three of
   * 113 KB of code in one run before, against two of 26 KB for this method).
   *
   * @param overall per task, the whole-run accumulator each outcome is added to
   * @param transfers receives the batch's transfer events
   * @param withUpdates whether transfer updates are written
   * @return the batch's output for the writer
   */
  private Output step(Batch batch, Map<String, ScoreAccumulator> overall,
      List<TransferEvent> transfers, boolean withUpdates) {
    PrequentialTrainer.BatchResult result =
        trainer.predictThenLearn(batch.events(), batch.labelled());
    forgetChangedRows();
    for (PrequentialTrainer.Outcome outcome : result.outcomes()) {
      overall.get(outcome.task()).add(outcome.score(), outcome.label());
    }
    List<TransferUpdate> updates = List.of();
    if (!result.transfers().isEmpty()) {
      transfers.addAll(result.transfers());
      if (withUpdates) {
        updates = updates(result.transfers(), batch.events().get(batch.events().size() - 1).ts());
      }
    }
    return new Output(result.predictions(), updates);
  }

  /** The transfer updates of a batch's transfer events, stamped {@code ts}. */
  private static List<TransferUpdate> updates(List<TransferEvent> events, long ts) {
    List<TransferUpdate> updates = new ArrayList<>();
    for (TransferEvent transfer : events) {
      TransferUpdates.of(transfer, UPDATE_SCOPE, ts).ifPresent(updates::add);
    }
    return updates;
  }

  /**
   * A {@link MultiTaskModel} tracks the rows each batch changed (and the ids it expired) until
   * they are drained, for the stream processor's state stores; a replay keeps no stores, so it
   * forgets them after every batch — otherwise row expiry would free no memory — without
   * encoding them (draining encoded every changed row: ~6% of a replay's time).
   */
  private void forgetChangedRows() {
    if (trainer.learner() instanceof MultiTaskModel model) {
      trainer.lock().lock();
      try {
        model.forgetDirtyRows();
      } finally {
        trainer.lock().unlock();
      }
    }
  }

  private static void joinQuietly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One batch's output for the writer: its predictions and transfer updates, in order.
   *
   * @param predictions one per event of the batch
   * @param updates the transfer updates to write after them (empty without an updates stream)
   */
  private record Output(List<Prediction> predictions, List<TransferUpdate> updates) {}

  /** Tells the writer that no more output follows. */
  private static final Output END = new Output(List.of(), List.of());

  /**
   * The writing half: encodes each batch's predictions (and transfer updates) and writes them,
   * in batch order, while the calling thread trains on the next batch. It is the only user of the
   * output streams until it has been joined. After a failure it keeps taking (and dropping)
   * output until {@link #END}, so the caller never blocks on a full queue; the caller rethrows
   * the failure at its next batch or at the end.
   */
  private final class Writer implements Runnable {

    final BlockingQueue<Output> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);

    private final OutputStream predictions;
    private final OutputStream updates;
    private volatile Exception failure;

    Writer(OutputStream predictions, OutputStream updates) {
      this.predictions = predictions;
      this.updates = updates;
    }

    @Override
    public void run() {
      try {
        while (true) {
          Output output = queue.take();
          if (output == END) {
            return;
          }
          if (failure != null) {
            continue;
          }
          try {
            write(output);
          } catch (IOException | RuntimeException e) {
            failure = e;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void write(Output output) throws IOException {
      for (Prediction prediction : output.predictions()) {
        predictions.write(predictionWriter.serialize(null, prediction));
        predictions.write(NEWLINE);
      }
      for (TransferUpdate update : output.updates()) {
        updates.write(updateCodec.encode(update));
        updates.write(NEWLINE);
      }
    }

    /** Queues the end marker (blocks while the queue is full). */
    void finish() throws InterruptedException {
      queue.put(END);
    }

    /** {@link #finish()} from a cleanup path: keeps trying through interrupts, then restores. */
    void finishQuietly() {
      boolean interrupted = false;
      while (true) {
        try {
          queue.put(END);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    /** Rethrows the writer's failure, if any, as the caller's own. */
    void throwIfFailed() throws IOException {
      Exception e = failure;
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
    }
  }

  /**
   * A decoded micro-batch, or the end of input (no events), or the decoder's failure.
   *
   * @param events the batch's valid events, in input order
   * @param labelled their model inputs ({@link Examples#labelled}), made on the decoder's thread
   *     so the trainer's thread only trains
   * @param lastLine the input line number the batch ends at
   * @param failure why the decoder stopped (an {@link IOException} or a
   *     {@link RuntimeException}), or null
   */
  private record Batch(List<LabelledEvent> events, List<LabelledExample> labelled, long lastLine,
      Exception failure) {

    static Batch of(List<LabelledEvent> events, long lastLine) {
      List<LabelledExample> labelled = new ArrayList<>(events.size());
      for (LabelledEvent event : events) {
        labelled.add(Examples.labelled(event));
      }
      return new Batch(events, labelled, lastLine, null);
    }

    static Batch end(long lastLine, Exception failure) {
      return new Batch(List.of(), List.of(), lastLine, failure);
    }
  }

  /**
   * The background half: reads lines, decodes them, groups valid events into batches, records
   * (and optionally writes) rejections. Its counters are read by the caller only after a join.
   */
  private final class Decoder implements Runnable, JsonlLineReader.LineSink {

    final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    final List<RejectedLine> firstRejections = new ArrayList<>();
    long lines;
    long rejected;

    private final InputStream in;
    private final OutputStream rejects;
    private final ObjectMapper json = new ObjectMapper();
    private List<LabelledEvent> pending = new ArrayList<>(batchSize);

    Decoder(InputStream in, OutputStream rejects) {
      this.in = in;
      this.rejects = rejects;
    }

    @Override
    public void run() {
      try {
        lines = new JsonlLineReader(in, maxRecordBytes).forEach(this);
        if (!pending.isEmpty()) {
          queue.put(Batch.of(pending, lines));
        }
        if (rejects != null) {
          rejects.flush();
        }
        queue.put(Batch.end(lines, null));
      } catch (InterruptedException | InterruptedIOException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        Exception failure =
            e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        try {
          queue.put(Batch.end(lines, failure));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public void line(byte[] buffer, int offset, int length, long lineNumber) throws IOException {
      byte[] record = Arrays.copyOfRange(buffer, offset, offset + length);
      Decoded<LabelledEvent> decoded;
      try {
        decoded = eventCodec.decode(record);
      } catch (RuntimeException e) {
        reject(lineNumber, "invalid", "could not decode: " + e, record);
        return;
      }
      if (decoded instanceof Decoded.Valid<LabelledEvent> valid) {
        pending.add(valid.value());
        if (pending.size() == batchSize) {
          try {
            queue.put(Batch.of(pending, lineNumber));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing a batch");
          }
          pending = new ArrayList<>(batchSize);
        }
        return;
      }
      Rejection rejection = ((Decoded.Invalid<LabelledEvent>) decoded).rejection();
      reject(lineNumber, rejection.reason().code(), rejection.message(), record);
    }

    @Override
    public void oversized(long lineNumber, long length) throws IOException {
      reject(
          lineNumber, "oversized",
          "record of " + length + " bytes exceeds max.record.bytes=" + maxRecordBytes, null);
    }

    private void reject(long lineNumber, String reason, String message, byte[] record)
        throws IOException {
      rejected++;
      RejectedLine line = new RejectedLine(lineNumber, reason, message);
      if (firstRejections.size() < REPORTED_REJECTIONS) {
        firstRejections.add(line);
      }
      if (rejects != null) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("line", lineNumber);
        entry.put("reason", reason);
        entry.put("message", message);
        if (record != null) {
          entry.put("record", new String(record, StandardCharsets.UTF_8));
        }
        rejects.write(json.writeValueAsBytes(entry));
        rejects.write(NEWLINE);
      }
    }
  }
}
