package io.tandem.streams.learning;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the learning half of a prequential micro-batch ({@link PrequentialTrainer#learnBatch}) on
 * one dedicated trainer thread, so that the caller (a stream thread) can go on decoding and
 * buffering the next batch's records meanwhile.
 *
 * <p>The scheme, per batch k: the caller awaits the learn of batch k-1 ({@link #await}), handles
 * what it produced, scores batch k ({@link PrequentialTrainer#predictBatch}: the model after
 * batch k-1), publishes the predictions and hands the learn of batch k to the trainer thread
 * ({@link #submit}). At most one learn is in flight. The invariant that makes the results bit for
 * bit those of the sequential {@link PrequentialTrainer#predictThenLearn}: every access to the
 * model other than the learn in flight awaits it first. The caller's own accesses do so by
 * calling {@link #await} before them; threads that only read (HTTP serving, gauges) take
 * {@link PrequentialTrainer#lock()}, which the trainer thread holds for the whole learning step,
 * so they see the model before or after a batch, never during one. The model is then driven by
 * the same operations in the same order as sequentially; only the thread differs, and the
 * hand-off through a {@link Future} orders the trainer thread's writes before the caller's reads.
 *
 * <p>A learn that the trainer thread has not started by the time the caller awaits it (the
 * scheduler has not given that thread a core yet: a busy machine) is run by the caller itself,
 * at once, instead of waiting for the trainer thread to be scheduled; the trainer thread then
 * finds it done and skips it. Either way exactly one thread runs it, so the results are the
 * same; a busy machine makes the pipeline fall back towards the sequential loop rather than
 * below it.
 *
 * <p>Failures: an exception thrown by a learn is rethrown, unchanged (same instance, type and
 * message), by the next {@link #await} (or by {@link #close}, if no await came first), on the
 * caller's thread. Waits block (no spinning) and are not cut short by an interrupt: the model
 * must be quiet before the caller touches it, so an interrupt is remembered and re-asserted once
 * the learn is done.
 *
 * <p>The trainer thread is a daemon named as given (e.g. {@code tandem-trainer-0_1}), started by
 * the constructor and ended by {@link #close}.
 *
 * <p>Not thread-safe: one owning thread calls every method.
 */
public final class PipelinedLearning implements AutoCloseable {

  private final PrequentialTrainer trainer;
  private final String threadName;
  private final ExecutorService executor;
  private final AtomicReference<Thread> worker = new AtomicReference<>();
  private Learn inFlight;
  private boolean closed;
  private long runByCaller;

  /**
   * Starts the trainer thread.
   *
   * @param trainer the trainer whose batches this learns; not null
   * @param threadName the trainer thread's name, not blank
   */
  public PipelinedLearning(PrequentialTrainer trainer, String threadName) {
    this.trainer = Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(threadName, "threadName");
    if (threadName.isBlank()) {
      throw new IllegalArgumentException("threadName: must not be blank, got '" + threadName
          + "'");
    }
    this.threadName = threadName;
    this.executor = Executors.newSingleThreadExecutor(task -> {
      Thread created = new Thread(task, threadName);
      created.setDaemon(true);
      worker.set(created);
      return created;
    });
  }

  /** The trainer thread's name. */
  public String threadName() {
    return threadName;
  }

  /**
   * Hands the learn of {@code batch} to the trainer thread and returns at once.
   *
   * @param batch what the trainer's last {@link PrequentialTrainer#predictBatch} returned; not
   *     null
   * @throws IllegalStateException if a learn is still in flight (call {@link #await} first) or
   *     after {@link #close}
   */
  public void submit(PrequentialTrainer.Predicted batch) {
    Objects.requireNonNull(batch, "batch");
    if (closed) {
      throw new IllegalStateException("submit: " + threadName + " is closed");
    }
    if (inFlight != null) {
      throw new IllegalStateException("submit: the previous batch's learn is still in flight on "
          + threadName + "; await it first");
    }
    Learn learn = new Learn(new FutureTask<>(() -> {
      long start = System.nanoTime();
      PrequentialTrainer.Learned learned = trainer.learnBatch(batch);
      return new Done(learned, System.nanoTime() - start);
    }));
    executor.execute(learn::runIfUnclaimed);
    inFlight = learn;
  }

  /** Whether a learn was submitted and not yet awaited. */
  public boolean inFlight() {
    return inFlight != null;
  }

  /**
   * Waits until the learn in flight, if any, has finished, and hands over its result; runs it on
   * this thread if the trainer thread has not started it yet.
   *
   * @return the finished learn's result; empty when none was in flight
   * @throws RuntimeException the exception the learn threw, rethrown as it was (likewise an
   *     {@link Error}); nothing is in flight afterwards
   */
  public Optional<Done> await() {
    if (inFlight == null) {
      return Optional.empty();
    }
    Learn pending = inFlight;
    inFlight = null;
    if (pending.runIfUnclaimed()) {
      runByCaller++;
    }
    return Optional.of(waitFor(pending.task()));
  }

  /**
   * How many learns the caller ran itself because the trainer thread had not started them when
   * awaited (diagnostics: a high share means the trainer thread rarely gets a core in time).
   */
  public long learnsRunByCaller() {
    return runByCaller;
  }

  /**
   * Waits for the learn in flight (its result is dropped, its failure rethrown as by
   * {@link #await}), then ends the trainer thread. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      await();
    } finally {
      executor.shutdown();
      Thread started = worker.get();
      boolean interrupted = false;
      while (true) {
        try {
          // The executor terminates just before its thread ends: join the thread itself.
          if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
            if (started != null) {
              started.join();
            }
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Done waitFor(Future<Done> pending) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return pending.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (cause instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException("the learning step failed", cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * One submitted learn: run by whichever thread claims it first, the trainer thread or the
   * caller's await.
   */
  private static final class Learn {

    private final FutureTask<Done> task;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Learn(FutureTask<Done> task) {
      this.task = task;
    }

    FutureTask<Done> task() {
      return task;
    }

    /** Runs the learn on this thread if no thread has claimed it yet; whether it did. */
    boolean runIfUnclaimed() {
      if (!claimed.compareAndSet(false, true)) {
        return false;
      }
      task.run();
      return true;
    }
  }

  /**
   * A finished learn.
   *
   * @param learned what {@link PrequentialTrainer#learnBatch} returned
   * @param learnNanos how long the learning step took on the trainer thread, in nanoseconds
   *     (lock wait included), &gt;= 0
   */
  public record Done(PrequentialTrainer.Learned learned, long learnNanos) {

    /** Checks the fields. */
    public Done {
      Objects.requireNonNull(learned, "learned");
      if (learnNanos < 0) {
        throw new IllegalArgumentException("learnNanos: must be >= 0, got " + learnNanos);
      }
    }
  }
}
