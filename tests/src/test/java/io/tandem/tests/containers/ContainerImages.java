package io.tandem.tests.containers;

import java.time.Duration;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The container images the suites use, configurable so a machine without a registry can run them with locally built
 * images (docker/build-local-images.sh).
 *
 * <p>Each name comes from a system property, else an environment variable (the same one docker/compose.yaml reads),
 * else the public default:
 * <ul>
 *   <li>Kafka: {@code tandem.kafka.image} / {@code KAFKA_IMAGE} / {@code apache/kafka:4.4.0}. Any other name is
 *       declared a compatible substitute for {@code apache/kafka}, which it must be (the image honours
 *       {@code /etc/kafka/docker/run} and the {@code KAFKA_*} environment mapping).</li>
 *   <li>Tandem: {@code tandem.image} / {@code TANDEM_IMAGE} / {@code tandem:latest} (what
 *       {@code docker compose -f docker/compose.yaml build} tags).</li>
 * </ul>
 */
final class ContainerImages {

  static final String KAFKA_PROPERTY = "tandem.kafka.image";
  static final String KAFKA_DEFAULT = "apache/kafka:4.4.0";
  static final String TANDEM_PROPERTY = "tandem.image";
  static final String TANDEM_DEFAULT = "tandem:latest";

  /**
   * How long a container may take to report ready. A broker starts in ~8 s on an idle 2-core machine but took over
   * 60 s (Testcontainers' default) when the machine was shared with several builds, hence the margin.
   */
  static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

  private ContainerImages() {
  }

  /** The Kafka broker image, usable with {@code org.testcontainers.kafka.KafkaContainer}. */
  static DockerImageName kafka() {
    return DockerImageName.parse(configured(KAFKA_PROPERTY, "KAFKA_IMAGE", KAFKA_DEFAULT))
        .asCompatibleSubstituteFor("apache/kafka");
  }

  /** A not yet started {@link KafkaContainer} on {@link #kafka()}, allowed {@link #STARTUP_TIMEOUT} to start. */
  static KafkaContainer kafkaContainer() {
    return new KafkaContainer(kafka()).withStartupTimeout(STARTUP_TIMEOUT);
  }

  /** The Tandem image (docker/Dockerfile). */
  static DockerImageName tandem() {
    return DockerImageName.parse(configured(TANDEM_PROPERTY, "TANDEM_IMAGE", TANDEM_DEFAULT));
  }

  private static String configured(String property, String environmentVariable, String fallback) {
    String fromProperty = System.getProperty(property);
    if (fromProperty != null && !fromProperty.isBlank()) {
      return fromProperty.strip();
    }
    String fromEnvironment = System.getenv(environmentVariable);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.strip();
    }
    return fallback;
  }
}
