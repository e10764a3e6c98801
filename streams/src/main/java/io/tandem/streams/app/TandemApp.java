package io.tandem.streams.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.model.MultiTaskModel;
import io.tandem.model.TaskSpec;
import io.tandem.model.transfer.DetectorKind;
import io.tandem.model.transfer.DriftTransferController;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.http.DeferredKeyOwnerLocator;
import io.tandem.streams.http.HttpSettings;
import io.tandem.streams.http.KafkaStreamsKeyOwnerLocator;
import io.tandem.streams.http.TandemHttpServer;
import io.tandem.streams.metrics.RuntimeMeters;
import io.tandem.streams.metrics.TandemMeters;
import io.tandem.streams.tasks.TaskTopic;
import io.tandem.streams.topology.IncompatibleModelStateException;
import io.tandem.streams.topology.LiveModels;
import io.tandem.streams.topology.ModelStores;
import io.tandem.streams.topology.TandemTopology;
import io.tandem.streams.topology.TaskGauges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running learner: Tandem's topology in a {@link KafkaStreams} instance.
 *
 * <p>Kafka settings: {@link TandemConfig#kafkaProperties()} (the user's Kafka keys and Tandem's
 * Kafka defaults) plus, unless the user set them: {@code deserialization.exception.handler} =
 * log and continue (inputs are read as bytes, so only an internal record that no longer validates
 * can reach it), {@code production.exception.handler} = {@link ResumeOnOversizeHandler},
 * Streams' producer {@code max.request.size} large enough for the dense model record
 * ({@link ModelStores#MAX_DENSE_BYTES}), {@code statestore.cache.max.bytes} =
 * {@link #DEFAULT_CACHE_BYTES}, {@code max.task.idle.ms} = {@link #DEFAULT_MAX_TASK_IDLE_MS},
 * {@code processing.exception.handler.global.enabled} = true (Kafka Streams 5.0's default).
 * A stream
 * thread that dies anyway is replaced ({@code REPLACE_THREAD}), unless its stored model does not
 * fit the configuration ({@link IncompatibleModelStateException}): then the instance stops.
 * Static membership stays off unless {@code group.instance.id} is configured.
 *
 * <p>Guarantees: {@code processing.guarantee} is Kafka Streams' own key. {@code at_least_once}
 * (the default, fastest) may, after a crash, learn a batch again and publish its predictions
 * twice; {@code exactly_once_v2} commits model state, predictions and input offsets in one
 * transaction (each commit costs a transaction round trip, and consumers of the predictions must
 * read with {@code isolation.level=read_committed}).
 *
 * <p>Topics: this class creates only {@code topics.tasks} if it is missing (compacted, one
 * partition: the global store of task declarations cannot start without it). The caller (the
 * CLI's {@code run} and {@code demo}) creates the other topics of {@code topics.*} beforehand, the input topics with equal partition counts
 * ({@code topics.partitions}); Kafka Streams creates its own internal topics (changelogs and
 * repartition topics, named after the stores and {@code *-by-user}).
 *
 * <p>HTTP: {@link #startServing} also runs the query server ({@code /predict}, {@code /model},
 * {@code /metrics}, {@code /health}); {@link #start} runs Kafka Streams only (for embedding and
 * tests).
 *
 * <p>Thread-safety: the accessors may be called from any thread; {@link #close()} once.
 */
public final class TandemApp implements AutoCloseable {

  /**
   * Record cache of the state stores unless configured ({@code statestore.cache.max.bytes}):
   * 64 MiB, room for the dense blobs (about 1.2 MB each for the default model) that every stream
   * task writes just before a commit that checkpoints, so they reach RocksDB and the changelog in
   * the commit's flush rather than through evictions. (Blobs and rows are written once per
   * checkpoint anyway, see {@code ModelStores}; the rows and batch-log stores have no cache.)
   */
  public static final long DEFAULT_CACHE_BYTES = 64L * 1024 * 1024;

  /**
   * {@code max.task.idle.ms} unless configured: -1, a stream task processes whatever it has
   * buffered without first making sure that its other input partitions have nothing older.
   *
   * <p>Why: a learner's stream task reads up to four partitions (events, requests and the two
   * {@code *-by-user} repartition topics), usually with data in only one or two. Under Kafka
   * Streams' default (0) every record first checks the fetched lag of each empty partition, and
   * Kafka Streams 4.4 formats a log message (two {@code String.format} calls) for each one
   * whether or not that message is logged: 7-8% of the stream thread in a profile of
   * {@code TopologyThroughput}. Tandem has no joins or windows, so it gives up nothing it relies
   * on: the one cost is that an event and a request from different topics with close timestamps
   * may be processed in arrival order rather than timestamp order (so a request may be answered
   * by a model one batch older or newer), which no guarantee of Tandem's promised anyway.
   */
  public static final long DEFAULT_MAX_TASK_IDLE_MS = -1;

  /** How long {@link #close()} waits for the stream threads to finish. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(TandemApp.class);

  private final KafkaStreams streams;
  private final LiveModels models;
  private final Topology topology;
  private final TandemHttpServer http;
  private final RuntimeMeters runtimeMeters;

  private TandemApp(KafkaStreams streams, LiveModels models, Topology topology,
      TandemHttpServer http, RuntimeMeters runtimeMeters) {
    this.streams = streams;
    this.models = models;
    this.topology = topology;
    this.http = http;
    this.runtimeMeters = runtimeMeters;
  }

  /**
   * Builds the topology, registers Tandem's gauges and the runtime meters
   * ({@link RuntimeMeters}) on {@code registry}, and starts Kafka Streams.
   * Returns at once; {@link #state()} tells when the instance is {@code RUNNING}.
   *
   * @param config the validated configuration; {@code bootstrap.servers} must be set
   * @param registry where Tandem's meters go
   * @throws IllegalArgumentException for an invalid {@code model.*} setting
   */
  public static TandemApp start(TandemConfig config, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    LiveModels models = new LiveModels(config.topics().partitions());
    Topology topology = TandemTopology.build(config, models, registry);
    KafkaStreams streams = new KafkaStreams(topology, streamsProperties(config));
    return launch(config, registry, models, topology, streams, null);
  }

  /**
   * Like {@link #start(TandemConfig, MeterRegistry)}, and also serves {@code /predict},
   * {@code /model}, {@code /metrics} (when {@code registry} is a Prometheus registry) and
   * {@code /health} on {@code http.bind}:{@code http.port}. Unless {@code application.server} is
   * configured, it is set to the bound HTTP address, so Kafka Streams' key metadata tells the
   * other instances where this one answers (a request for a user owned elsewhere is forwarded).
   *
   * @throws UncheckedIOException if the HTTP address cannot be bound (the message names
   *     {@code http.bind} / {@code http.port})
   */
  public static TandemApp startServing(TandemConfig config, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    LiveModels models = new LiveModels(config.topics().partitions());
    Topology topology = TandemTopology.build(config, models, registry);
    DeferredKeyOwnerLocator locator = new DeferredKeyOwnerLocator();
    TandemHttpServer http;
    try {
      http = TandemHttpServer.start(HttpSettings.of(config.httpBind(), config.httpPort()), models,
          locator, registry instanceof PrometheusMeterRegistry prometheus ? prometheus : null);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    try {
      Properties props = streamsProperties(config);
      props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, http.address());
      KafkaStreams streams = new KafkaStreams(topology, props);
      locator.bind(new KafkaStreamsKeyOwnerLocator(streams, ModelStores.DENSE_STORE,
          HostInfo.buildFromEndpoint(props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG))));
      return launch(config, registry, models, topology, streams, http);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
  }

  private static TandemApp launch(TandemConfig config, MeterRegistry registry, LiveModels models,
      Topology topology, KafkaStreams streams, TandemHttpServer http) {
    streams.setUncaughtExceptionHandler(TandemApp::onStreamThreadFailure);
    registerGauges(config, models, registry);
    RuntimeMeters runtimeMeters = RuntimeMeters.bind(registry, streams);
    TaskTopic.ensureExists(config);
    try {
      streams.start();
    } catch (StreamsException e) {
      // The global store of task declarations is bootstrapped inside start(): a failure there
      // (e.g. the broker refuses our credentials) ends the instance as a stream thread failure
      // would, in state ERROR, instead of escaping from start.
      LOG.error("stopping: Kafka Streams could not start ({})", describe(e));
    }
    return new TandemApp(streams, models, topology, http, runtimeMeters);
  }

  /** The deepest message of a failure's causes, for a one-line log. */
  private static String describe(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * What to do when a stream thread dies: stop the instance when a new thread would fail the same
   * way — the stored model does not fit the configuration, or the broker refuses our credentials
   * or permissions (Kafka's authentication and authorization errors are not retriable) —
   * otherwise replace the thread.
   */
  static StreamThreadExceptionResponse onStreamThreadFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof IncompatibleModelStateException) {
        LOG.error("stopping: {}", t.getMessage());
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
      if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
        LOG.error("stopping: the broker refused this instance ({}); check security.protocol,"
            + " sasl.* / ssl.* and the ACLs", t.getMessage());
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    LOG.error("a stream thread failed; replacing it", failure);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /**
   * The Kafka Streams properties Tandem runs with (see the class comment). Deprecation
   * suppressed for one key: Kafka Streams 4.x deprecates it because 5.0 makes its value the only
   * behaviour (below).
   */
  @SuppressWarnings("deprecation")
  public static Properties streamsProperties(TandemConfig config) {
    Properties props = config.kafkaProperties();
    props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        ResumeOnOversizeHandler.class.getName());
    props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        String.valueOf(ModelStores.MAX_DENSE_BYTES + 2 * 64 * 1024));
    props.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG,
        String.valueOf(DEFAULT_CACHE_BYTES));
    props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG,
        String.valueOf(DEFAULT_MAX_TASK_IDLE_MS));
    // Kafka Streams 5.0's default, set now: the global stores' processing errors go through the
    // processing exception handler too (the default handler fails, as without it), and Kafka
    // Streams 4.x stops warning at every start that it is off.
    props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    return props;
  }

  private static void registerGauges(TandemConfig config, LiveModels models,
      MeterRegistry registry) {
    TandemMeters.modelVersion(registry, models, LiveModels::maxVersion);
    for (TaskSettings settings : config.taskSettings()) {
      TaskSpec task = settings.spec();
      String name = task.name();
      TaskGauges.register(registry, task, models);
      // Drift and transfer counters exist from the start (at 0), so a dashboard's increase()
      // sees the first alarm and a scrape always lists them.
      if (config.transfer().detector() != DetectorKind.NONE) {
        TandemMeters.driftDetections(registry, name, config.transfer().detector().label());
        if (config.transfer().transferEnabled() && config.transfer().warningDelta() > 0) {
          TandemMeters.driftWarnings(registry, name, DriftTransferController.WARNING_DETECTOR);
        }
        if (config.transfer().transferEnabled()) {
          for (TransferUpdate.Decision decision : TransferUpdate.Decision.values()) {
            TandemMeters.transferUpdates(registry, name, TransferUpdate.Action.TRANSFER.json(),
                TransferUpdate.Trigger.DRIFT.json(), decision.json());
            if (config.transfer().warningDelta() > 0) {
              TandemMeters.transferUpdates(registry, name, TransferUpdate.Action.TRANSFER.json(),
                  TransferUpdate.Trigger.DRIFT_WARNING.json(), decision.json());
            }
          }
        }
      }
      for (TaskSettings source : config.taskSettings()) {
        String sourceName = source.name();
        if (!sourceName.equals(name)) {
          TandemMeters.taskAffinity(registry, name, sourceName, models,
              m -> m.affinity(sourceName, name));
        }
      }
    }
    // The table names (user, item, ctx.<field>) as the model itself names them.
    for (String table : MultiTaskModel.tableNames(TandemTopology.modelConfig(config))) {
      TandemMeters.embeddingRows(registry, table, models, m -> m.tableStats(table).rows());
      TandemMeters.embeddingCounter(registry, TandemMeters.EMBEDDING_ADMISSIONS, table, models,
          m -> m.tableStats(table).admissions());
      TandemMeters.embeddingCounter(registry, TandemMeters.EMBEDDING_EVICTIONS, table, models,
          m -> m.tableStats(table).evictions());
    }
  }

  /** The Kafka Streams state ({@code CREATED}, {@code REBALANCING}, {@code RUNNING}, ...). */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The models this instance holds (the read path of HTTP serving and the gauges). */
  public LiveModels models() {
    return models;
  }

  /** The underlying Kafka Streams instance (key metadata, stores, metrics). */
  public KafkaStreams streams() {
    return streams;
  }

  /** The HTTP port this instance serves on, or -1 when started without HTTP. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The topology this instance runs. */
  public Topology topology() {
    return topology;
  }

  /**
   * Stops the stream threads (committing what they processed) and leaves the consumer group so
   * the partitions move at once, waiting at most {@link #CLOSE_TIMEOUT}.
   */
  @Override
  public void close() {
    boolean clean = streams.close(CloseOptions
        .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    if (!clean) {
      LOG.warn("Kafka Streams did not shut down within {}", CLOSE_TIMEOUT);
    }
    runtimeMeters.close();
    if (http != null) {
      http.close();
    }
  }
}
