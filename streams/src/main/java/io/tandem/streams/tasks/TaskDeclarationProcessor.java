package io.tandem.streams.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import io.tandem.schemas.Decoded;
import io.tandem.schemas.JsonCodec;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.streams.metrics.TandemMeters;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies task declarations from {@code topics.tasks} to a {@link DynamicTaskCatalog} and keeps
 * the accepted ones in the global store.
 *
 * <p>A record is rejected (logged with its reason, counted in
 * {@code tandem.tasks.declarations{outcome=rejected}}, not stored, never thrown) when its value is
 * not a valid task declaration, when its key is set and is not the declared name, when it is a
 * tombstone (removing a task is not supported), or when the catalog refuses it (a redeclaration
 * with another type or range). {@code init} replays the (restored) store into the catalog.
 * Runs on the global stream thread.
 */
final class TaskDeclarationProcessor implements Processor<Bytes, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(TaskDeclarationProcessor.class);

  private final DynamicTaskCatalog catalog;
  private final JsonCodec<TaskDeclaration> codec;
  private final MeterRegistry meters;
  private KeyValueStore<Bytes, byte[]> store;

  TaskDeclarationProcessor(DynamicTaskCatalog catalog, JsonCodec<TaskDeclaration> codec,
      MeterRegistry meters) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.meters = Objects.requireNonNull(meters, "meters");
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(TaskDeclarationStore.STORE);
    int replayed = 0;
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        if (apply(entry.key, entry.value) != null) {
          replayed++;
        }
      }
    }
    if (replayed > 0) {
      LOG.info("task catalog: {} declared task(s) restored from {}: {}", replayed,
          TaskDeclarationStore.STORE, catalog.get().names());
    }
  }

  @Override
  public void process(Record<Bytes, byte[]> record) {
    if (apply(record.key(), record.value()) != null) {
      store.put(record.key(), record.value());
    }
  }

  /**
   * Decodes and applies one record; logs and counts the outcome.
   *
   * @return the declaration if accepted or unchanged, else null
   */
  private TaskDeclaration apply(Bytes key, byte[] value) {
    String name = key == null ? null : new String(key.get(), StandardCharsets.UTF_8);
    if (value == null) {
      return reject(name, "a tombstone: removing a task is not supported");
    }
    Decoded<TaskDeclaration> decoded = codec.decode(value);
    if (!(decoded instanceof Decoded.Valid<TaskDeclaration> valid)) {
      return reject(name, ((Decoded.Invalid<TaskDeclaration>) decoded).rejection().message());
    }
    TaskDeclaration declaration = valid.value();
    if (name != null && !name.equals(declaration.name())) {
      return reject(name, "the key is not the declared task's name '" + declaration.name()
          + "'");
    }
    DynamicTaskCatalog.Result result = catalog.declare(declaration);
    TandemMeters.taskDeclarations(meters, result.outcome().label()).increment();
    switch (result.outcome()) {
      case ACCEPTED -> LOG.info("task catalog: task '{}' declared ({}, weight {}); learners add"
          + " it at their next batch", declaration.name(), declaration.type().json(),
          declaration.weight());
      case UNCHANGED -> LOG.debug("task catalog: task '{}' redeclared unchanged",
          declaration.name());
      case REJECTED -> {
        LOG.warn("task catalog: {}", result.reason());
        return null;
      }
      default -> throw new IllegalStateException("unreachable: " + result.outcome());
    }
    return declaration;
  }

  private TaskDeclaration reject(String key, String reason) {
    TandemMeters.taskDeclarations(meters, DynamicTaskCatalog.Outcome.REJECTED.label())
        .increment();
    LOG.warn("task catalog: record with key '{}' on the task topic ignored: {}", key, reason);
    return null;
  }
}
