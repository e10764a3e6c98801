package io.tandem.streams.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.model.ModelConfig;
import io.tandem.model.TaskKind;
import io.tandem.model.TaskSpec;
import io.tandem.schemas.Codecs;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.LabelledEvent;
import io.tandem.schemas.Prediction;
import io.tandem.schemas.PredictionRequest;
import io.tandem.schemas.PredictionSerializer;
import io.tandem.schemas.TaskCatalog;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.schemas.TransferUpdate;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.config.TaskSettings;
import io.tandem.streams.config.Topics;
import io.tandem.streams.learning.ModelConfigMapper;
import io.tandem.streams.sync.ReplicaSync;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import io.tandem.streams.tasks.TaskDeclarationStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * Tandem's learning topology: labelled events and prediction requests in, predictions out, the
 * model in state stores, invalid input to the dead-letter topic.
 *
 * <pre>
 * events topics ─ events-source ─ events-decode ─┬─ rejected ─ events-dead-letter-sink ─▶ dead letter
 *  (topics.events + task.*.topic)                 ├─ keyed by user ────────────────────┐
 *                                                 └─ other key ─ events-by-user (repartition) ─┤
 * requests topic ─ requests-source ─ requests-decode ─ (same three ways) ─────────────────────┤
 *                                                                                            ▼
 *              learner (stores tandem-model-rows, tandem-model-dense, tandem-model-log)
 *                                     ─ predictions-sink ─▶ predictions
 * </pre>
 *
 * <p>Every input is consumed as raw bytes, so no deserialization error can reach Kafka Streams:
 * the {@code *-decode} processors validate with the contract's codecs and send a rejected record's
 * original key and value, with dead-letter headers (reason, message, source topic, partition,
 * offset, time), to {@code topics.dead-letter}, counting it in {@code tandem.events.invalid}.
 * An event read from a per-task topic ({@code task.<name>.topic}) is validated and learned like
 * any other: its own {@code task} field decides its task.
 * Events and requests must be keyed by user (UTF-8) in co-partitioned topics (equal partition
 * counts); a record whose key is not its user goes through the named repartition topic
 * {@code <application.id>-events-by-user-repartition} (or {@code -requests-by-user-}) first, so
 * it reaches the stream task that owns its user. Each stream task runs one learning processor
 * ({@code learner}): micro-batches of {@code learner.batch.size} events (flushed early by a
 * wall-clock punctuator after {@code learner.batch.linger.ms}), predict-then-learn, one
 * prediction per event; requests answered at once. The topology names every node, store and
 * internal topic (a golden test of {@link Topology#describe()} guards them).
 *
 * <p>With replica sync on ({@code sync.interval.ms > 0}) the learner also emits its dense
 * parameters ({@code model-sync-sink} to {@code topics.model-sync}), and two global stores
 * ({@link ReplicaSync#SYNC_STORE} over {@code topics.model-sync}, {@link ReplicaSync#TRANSFER_STORE}
 * over {@code topics.transfer-updates}) let every stream task read what all of them published;
 * with sync off (the default) the topology is exactly as without the feature.
 *
 * <p>Tasks declared at runtime: a global store ({@link TaskDeclarationStore#STORE}, source
 * {@code tasks-source}, processor {@code tasks-catalog}) follows the compacted
 * {@code topics.tasks} topic (which must exist) into a {@link DynamicTaskCatalog} that the
 * decoding codecs consult, so an event for a task is dead-lettered ({@code unknown_task}) until
 * the task is declared and accepted from then on; the learner grows its model by the new task at
 * its next batch and onboards it ({@code onboard} transfer updates).
 *
 * <p>{@link #build} does no I/O; it is a pure function of its arguments.
 */
public final class TandemTopology {

  /** Node names, stable: changing one changes the topology description (see the golden test). */
  static final String LEARNER = "learner";

  private TandemTopology() {}

  /**
   * Builds the topology.
   *
   * @param config the validated configuration (tasks, topics, batching, {@code model.*})
   * @param models the registry the learners put their models in (HTTP and gauges read it)
   * @param meters where the counters ({@code tandem.events.*}, {@code tandem.predictions.*},
   *     {@code tandem.batch.*}) are registered
   * @return the topology, ready for {@code new KafkaStreams(topology, props)}
   * @throws IllegalArgumentException for an invalid {@code model.*} setting (naming key, value
   *     and rule)
   */
  public static Topology build(TandemConfig config, LiveModels models, MeterRegistry meters) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(models, "models");
    Objects.requireNonNull(meters, "meters");
    Topics topics = config.topics();
    List<TaskSpec> tasks = config.taskSettings().stream().map(TaskSettings::spec).toList();
    ModelConfig modelConfig = modelConfig(config);
    // Configured tasks plus those declared on topics.tasks while running (TaskDeclarationStore).
    DynamicTaskCatalog catalog = new DynamicTaskCatalog(catalog(config));
    JsonCodec<LabelledEvent> eventCodec = Codecs.labelledEvents(catalog, config.maxRecordBytes());
    JsonCodec<PredictionRequest> requestCodec =
        Codecs.requests(catalog, config.maxRecordBytes());
    JsonCodec<Prediction> predictionCodec = Codecs.predictions(Integer.MAX_VALUE);
    JsonCodec<TransferUpdate> transferCodec = Codecs.transferUpdates(Integer.MAX_VALUE);

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, Inbound> events = builder
        .stream(topics.eventTopics(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("events-source"))
        .process(() -> new DecodeProcessor<>(eventCodec, LabelledEvent::user,
            (e, keyed) -> new Inbound.Event(e, keyed), meters), Named.as("events-decode"));
    KStream<String, Inbound> requests = builder
        .stream(topics.requests(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("requests-source"))
        .process(() -> new DecodeProcessor<>(requestCodec, PredictionRequest::user,
            (r, keyed) -> new Inbound.Request(r, keyed), meters), Named.as("requests-decode"));

    KStream<String, Inbound> learnerInput =
        byUser(events, "events", topics.deadLetter(), RepartitionSerde.events(eventCodec))
            .merge(byUser(requests, "requests", topics.deadLetter(),
                RepartitionSerde.requests(requestCodec)), Named.as("learner-input"));
    BranchedKStream<String, Outbound> split = learnerInput
        .process(new LearnerSupplier(modelConfig, tasks, config.batchSize(),
            config.batchLinger(), eventCodec, models, meters, config.transfer(),
            config.snapshotInterval(), config.sync(), catalog, config.checkpoint(),
            config.pipelined()),
            Named.as(LEARNER))
        .split(Named.as("learner-output-"))
        .branch((key, out) -> out instanceof Outbound.PredictionOut, Branched.as("predictions"))
        .branch((key, out) -> out instanceof Outbound.TransferOut,
            Branched.as("transfer-updates"));
    if (config.sync().enabled()) {
      // Replica sync: the parameters out, and both sync topics in through global stores.
      split = split.branch((key, out) -> out instanceof Outbound.SyncOut,
          Branched.as("model-sync"));
      ReplicaSync.addGlobalStores(builder, topics);
    }
    Map<String, KStream<String, Outbound>> outputs =
        split.defaultBranch(Branched.as("snapshots"));
    outputs.get("learner-output-predictions")
        .mapValues(out -> ((Outbound.PredictionOut) out).prediction(),
            Named.as("predictions-unwrap"))
        .to(topics.predictions(), Produced.with(Serdes.String(),
            Serdes.serdeFrom(new PredictionSerializer(), predictionCodec.serde().deserializer()))
            .withName("predictions-sink"));
    outputs.get("learner-output-transfer-updates")
        .mapValues(out -> ((Outbound.TransferOut) out).update(),
            Named.as("transfer-updates-unwrap"))
        .to(topics.transferUpdates(), Produced.with(Serdes.String(), transferCodec.serde())
            .withName("transfer-updates-sink"));
    outputs.get("learner-output-snapshots")
        .mapValues(out -> ((Outbound.SnapshotOut) out).snapshot(), Named.as("snapshots-unwrap"))
        .to(topics.model(), Produced.with(Serdes.String(), Serdes.ByteArray())
            .withName("snapshots-sink"));
    if (config.sync().enabled()) {
      outputs.get("learner-output-model-sync")
          .mapValues(out -> ((Outbound.SyncOut) out).record(), Named.as("model-sync-unwrap"))
          .to(topics.modelSync(), Produced.with(Serdes.String(), Serdes.ByteArray())
              .withName("model-sync-sink"));
    }
    return TaskDeclarationStore.addTo(builder.build(), topics.tasks(), catalog, meters);
  }

  /**
   * The model configuration of {@code config}: its {@code model.*} keys and each task's
   * {@code task.<name>.weight}.
   *
   * @throws IllegalArgumentException naming the key, value and rule of a bad setting
   */
  public static ModelConfig modelConfig(TandemConfig config) {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (TaskSettings t : config.taskSettings()) {
      weights.put(t.name(), t.weight());
    }
    return ModelConfigMapper.map(config.withPrefix(ModelConfigMapper.PREFIX), weights);
  }

  /**
   * Routes decoded records: rejected ones to the dead-letter topic, records keyed by their user
   * straight on, the others through a named repartition topic keyed by user.
   */
  private static KStream<String, Inbound> byUser(KStream<String, Inbound> decoded, String name,
      String deadLetterTopic, Serde<Inbound> repartitionSerde) {
    Map<String, KStream<String, Inbound>> ways = decoded.split(Named.as(name + "-split-"))
        .branch((user, v) -> v instanceof Inbound.Rejected, Branched.as("rejected"))
        .branch((user, v) -> v.keyedByUser(), Branched.as("keyed"))
        .defaultBranch(Branched.as("rekey"));
    ways.get(name + "-split-rejected")
        .map((user, v) -> KeyValue.pair(((Inbound.Rejected) v).key(),
            ((Inbound.Rejected) v).value()), Named.as(name + "-original-bytes"))
        .to(deadLetterTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName(name + "-dead-letter-sink"));
    KStream<String, Inbound> rekeyed = ways.get(name + "-split-rekey")
        .repartition(Repartitioned.with(Serdes.String(), repartitionSerde)
            .withName(name + "-by-user"));
    return ways.get(name + "-split-keyed").merge(rekeyed, Named.as(name + "-by-user-merge"));
  }

  /**
   * The contract's view of the declared tasks, used by the codecs to validate task names and
   * labels. Loss weights play no part in validation (the model gets them from
   * {@link #modelConfig}), and the contract requires them positive where the configuration also
   * allows 0, so the catalog carries weight 1.
   */
  private static TaskCatalog catalog(TandemConfig config) {
    List<TaskDeclaration> declarations = new ArrayList<>();
    for (TaskSettings t : config.taskSettings()) {
      TaskSpec spec = t.spec();
      declarations.add(spec.kind() == TaskKind.BINARY
          ? TaskDeclaration.binary(spec.name(), 1.0)
          : TaskDeclaration.regression(spec.name(), spec.labelMin(), spec.labelMax(), 1.0));
    }
    return TaskCatalog.of(declarations);
  }
}
