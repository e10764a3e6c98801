package io.tandem.streams.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.Objects;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Binds the meters of the runtime Tandem runs in: the JVM (memory, GC, threads, class loading),
 * the process (CPU, uptime) and Kafka Streams' own metrics (including its embedded consumer,
 * producer and admin clients), all through Micrometer's binders.
 *
 * <p>Kafka metrics whose name recurs with different tag keys (for example a client-level and a
 * per-topic variant) are resolved by Micrometer's Kafka binder, which keeps one tag-key set per
 * name, so a Prometheus scrape never sees one metric name with two label sets.
 *
 * <p>Thread-safety: {@link #bind} may be called from any thread (calls are serialized, so the
 * once-per-registry check holds); the returned handle is closed once.
 */
public final class RuntimeMeters implements AutoCloseable {

  /** The meter whose presence means the JVM meters are already bound to a registry. */
  static final String JVM_MARKER = "jvm.memory.used";

  private final JvmGcMetrics gc;
  private final KafkaStreamsMetrics kafkaStreams;

  /** {@code gc} is null when another instance bound the JVM meters. */
  private RuntimeMeters(JvmGcMetrics gc, KafkaStreamsMetrics kafkaStreams) {
    this.gc = gc;
    this.kafkaStreams = kafkaStreams;
  }

  /**
   * Binds the JVM, process and Kafka Streams meters of {@code streams} to {@code registry}.
   * The JVM and process meters are bound once per registry: when {@value #JVM_MARKER} is already
   * there (another instance bound them), only the Kafka Streams meters are added, so GC events
   * are not counted twice.
   *
   * @param registry where the meters go; not null
   * @param streams the Kafka Streams instance whose metrics are exported; not null
   * @return a handle that stops the GC listener (when this call bound it) and the Kafka metrics
   *     refresh when closed
   */
  public static synchronized RuntimeMeters bind(MeterRegistry registry, KafkaStreams streams) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(streams, "streams");
    JvmGcMetrics gc = null;
    if (registry.find(JVM_MARKER).meter() == null) {
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ClassLoaderMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      gc = new JvmGcMetrics();
      gc.bindTo(registry);
    }
    KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams);
    kafka.bindTo(registry);
    return new RuntimeMeters(gc, kafka);
  }

  /** Stops the GC notification listener and the Kafka metrics refresh. */
  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    kafkaStreams.close();
  }
}
