package io.tandem.streams.cli;

import io.tandem.streams.broker.BrokerSettings;
import io.tandem.streams.broker.EmbeddedBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tandem broker}: a real single-node Kafka broker on 127.0.0.1 until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = {
        "Run a real single-node Kafka broker (KRaft, Kafka's own code) on 127.0.0.1 until Ctrl-C.",
        "Any Kafka client (kcat, console tools, other programs) can use it."})
final class BrokerCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Client port on 127.0.0.1; 0 = any free port (default: ${DEFAULT-VALUE}).")
  private int port;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the broker's data here so it survives a restart (default: a temporary directory, "
          + "deleted on exit).")
  private Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    BrokerSettings settings = new BrokerSettings(port, Optional.ofNullable(dataDir), Map.of());
    EmbeddedBroker broker = EmbeddedBroker.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("Stopping the broker ...");
      out.flush();
      broker.close();
      out.println("Broker stopped.");
      out.flush();
      stopped.countDown();
    }, "tandem-broker-shutdown"));
    out.printf(Locale.ROOT, "Kafka broker ready on %s in %.1f s (data: %s%s).%n", broker.bootstrapServers(),
        broker.startupTime().toMillis() / 1000.0, broker.dataDir(), dataDir == null ? ", temporary" : "");
    out.println("Try: kcat -b " + broker.bootstrapServers() + " -L      Stop with Ctrl-C.");
    out.flush();
    stopped.await();
    return 0;
  }
}
