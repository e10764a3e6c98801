package io.tandem.streams.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.streams.config.TandemConfig;
import io.tandem.streams.http.HttpSettings;
import io.tandem.streams.http.KeyOwnerLocator;
import io.tandem.streams.http.TandemHttpServer;
import io.tandem.streams.serve.FollowedModels;
import io.tandem.streams.serve.SnapshotFollower;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tandem serve}: answers {@code /predict} and {@code /model} from the newest model snapshots
 * on {@code topics.model}, without training (a serving-only instance).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {
        "Serve predictions without training: follow the model snapshots the learners publish on "
            + "topics.model (every learner.snapshot.interval.ms) and answer /predict, /model, "
            + "/metrics and /health on http.bind:http.port until Ctrl-C."})
final class ServeCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ClusterOptions cluster;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    TandemConfig resolved = cluster.load();
    FollowedModels models = new FollowedModels(resolved.topics().partitions());
    SnapshotFollower follower = new SnapshotFollower(resolved.kafkaProperties(),
        resolved.topics().model(), models);
    follower.start();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TandemHttpServer http = TandemHttpServer.start(
        HttpSettings.of(resolved.httpBind(), resolved.httpPort()), models,
        KeyOwnerLocator.localOnly(), registry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.close();
      follower.close();
      stopped.countDown();
    }, "tandem-serve-shutdown"));
    out.println("Serving the snapshots on " + resolved.topics().model() + " from "
        + resolved.get("bootstrap.servers") + "; HTTP on http://" + http.address()
        + " (/predict, /model, /metrics, /health). Stop with Ctrl-C.");
    out.flush();
    stopped.await();
    return 0;
  }
}
