package io.tandem.tests.faults;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces a fixed list of records at a steady rate on a background thread (acks=all,
 * idempotent), so that a fault can be injected while events are still arriving. The records are
 * sent in list order; {@link #awaitDone} flushes and rethrows any send failure.
 */
final class PacedProducer {

  private final Thread thread;
  private final AtomicInteger sent = new AtomicInteger();
  private volatile Exception failure;

  private PacedProducer(String bootstrapServers, String topic,
      List<ProducerRecord<String, byte[]>> records, double perSecond) {
    this.thread = new Thread(() -> run(bootstrapServers, topic, records, perSecond),
        "paced-producer-" + topic);
    this.thread.setDaemon(true);
  }

  /** Starts sending {@code records} (their topic is replaced by {@code topic}) at {@code perSecond}. */
  static PacedProducer start(String bootstrapServers, String topic,
      List<ProducerRecord<String, byte[]>> records, double perSecond) {
    PacedProducer producer = new PacedProducer(bootstrapServers, topic, records, perSecond);
    producer.thread.start();
    return producer;
  }

  private void run(String bootstrapServers, String topic,
      List<ProducerRecord<String, byte[]>> records, double perSecond) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
        new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < records.size(); i++) {
        long due = start + (long) (i * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        ProducerRecord<String, byte[]> r = records.get(i);
        producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value(), r.headers()),
            (meta, error) -> {
              if (error != null) {
                failure = error;
              }
            });
        sent.incrementAndGet();
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    } catch (RuntimeException e) {
      failure = e;
    }
  }

  /** Records handed to the producer so far. */
  int sent() {
    return sent.get();
  }

  /** Waits until every record is acknowledged. */
  void awaitDone(long timeoutMs) throws Exception {
    thread.join(timeoutMs);
    if (thread.isAlive()) {
      throw new AssertionError("producer still sending after " + timeoutMs + " ms (sent " + sent() + ")");
    }
    if (failure != null) {
      throw failure;
    }
  }
}
