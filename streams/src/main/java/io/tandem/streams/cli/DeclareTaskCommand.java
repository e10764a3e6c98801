package io.tandem.streams.cli;

import io.tandem.schemas.Codecs;
import io.tandem.schemas.TaskDeclaration;
import io.tandem.schemas.TaskType;
import io.tandem.streams.config.Topics;
import io.tandem.streams.io.KafkaClients;
import io.tandem.streams.io.TopicSetup;
import io.tandem.streams.tasks.DynamicTaskCatalog;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tandem declare-task --name conversion --type binary}: writes a task declaration (the
 * contract's JSON, key = the task name) to the compacted task topic, where running Tandem
 * instances pick it up, grow their models by the task and onboard it.
 */
@Command(name = "declare-task", mixinStandardHelpOptions = true,
    description = {
        "Declare a task at runtime: write its declaration (JSON, key = name) to the task topic.",
        "Running instances accept the task's events from then on, add a tower for it and warm-start it",
        "from the most related task (published as 'onboard' transfer updates)."})
final class DeclareTaskCommand implements Callable<Integer> {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  @Spec
  private CommandSpec spec;

  @Option(names = "--name", required = true, paramLabel = "NAME",
      description = "Task name: a letter, then up to 63 of [a-z0-9_.-].")
  private String name;

  @Option(names = "--type", required = true, paramLabel = "TYPE",
      description = "binary (labels 0/1) or regression (labels in [--min, --max]).")
  private String type;

  @Option(names = "--min", paramLabel = "MIN", description = "Smallest regression label.")
  private Double min;

  @Option(names = "--max", paramLabel = "MAX", description = "Largest regression label.")
  private Double max;

  @Option(names = "--weight", paramLabel = "W", defaultValue = "1",
      description = "Loss weight, > 0 (default: ${DEFAULT-VALUE}).")
  private double weight;

  @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "tandem.tasks",
      description = "The task topic (topics.tasks; default: ${DEFAULT-VALUE}).")
  private String topic;

  @Mixin
  private ProducerOptions client;

  @Option(names = "--create-topic", description = "Create the task topic (compacted, 1 partition)"
      + " if it does not exist (else a missing topic is an error).")
  private boolean createTopic;

  @Override
  public Integer call() throws InterruptedException, ExecutionException, TimeoutException {
    PrintWriter out = spec.commandLine().getOut();
    TaskDeclaration declaration = declaration();
    byte[] json = Codecs.taskDeclarations().encode(declaration);
    Properties props = client.clientProperties(Map.of());
    ensureTopic(props);
    RecordMetadata written;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(props),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      written = producer.send(new ProducerRecord<>(topic,
          declaration.name().getBytes(StandardCharsets.UTF_8), json))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    out.printf(Locale.ROOT, "Declared task '%s' on %s at %s (partition %d, offset %d): %s%n",
        declaration.name(), topic, client.bootstrapServers(), written.partition(), written.offset(),
        new String(json, StandardCharsets.UTF_8));
    out.flush();
    return 0;
  }

  /**
   * The declaration the options describe, checked as the contract and a model task require.
   *
   * @throws IllegalArgumentException naming the option, the value and the rule
   */
  TaskDeclaration declaration() {
    TaskType kind = switch (type.toLowerCase(Locale.ROOT)) {
      case "binary" -> TaskType.BINARY;
      case "regression" -> TaskType.REGRESSION;
      default -> throw new IllegalArgumentException("--type: must be binary or regression, got '"
          + type + "'");
    };
    TaskDeclaration declaration = new TaskDeclaration(name, kind, min, max, weight);
    DynamicTaskCatalog.spec(declaration);
    return declaration;
  }

  private void ensureTopic(Properties props) throws InterruptedException, ExecutionException,
      TimeoutException {
    try (Admin admin = Admin.create(KafkaClients.admin(props, TIMEOUT))) {
      if (admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic)) {
        return;
      }
      if (!createTopic) {
        throw new IllegalArgumentException("topic " + topic + " does not exist on "
            + client.bootstrapServers() + "; start Tandem (which creates it) or pass --create-topic");
      }
      TopicSetup.createMissing(admin, List.of(topic), 1, (short) 1,
          Map.of(topic, Topics.TASKS_TOPIC_CONFIG), TIMEOUT);
    }
  }
}
