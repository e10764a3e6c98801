package io.tandem.streams.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker in this JVM: Kafka's own {@link KafkaRaftServer} in combined
 * broker + controller mode (KRaft, no ZooKeeper), with a PLAINTEXT listener for clients and a
 * CONTROLLER listener, both on 127.0.0.1.
 *
 * <p>Start-up sequence: take an exclusive file lock on the data directory (a second broker on the
 * same directory would otherwise wedge the first one's shutdown), format the storage once (only
 * when {@code meta.properties} is missing, so data survives a restart), start the server, then wait
 * until an admin client sees the broker. If anything fails after the server object exists, the
 * half-started server is shut down before the exception leaves.
 *
 * <p>Replication factors of internal topics are 1 and {@code group.initial.rebalance.delay.ms} is
 * 0, which suits a single node. Kafka's own logging goes through SLF4J; Tandem's {@code log4j2.xml}
 * keeps it at WARN.
 *
 * <p>Thread-safety: {@link #bootstrapServers()} and {@link #close()} may be called from any thread;
 * {@code close} is idempotent (so it is safe from a shutdown hook and a finally block at once).
 */
public final class EmbeddedBroker implements AutoCloseable {

  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String LOCK_FILE = "tandem-broker.lock";
  private static final String KAFKA_LOG_DIR = "kafka-logs";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int FREE_PORT_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final int port;
  private final Duration startupTime;
  private boolean closed;

  private EmbeddedBroker(KafkaRaftServer server, FileChannel lockChannel, FileLock lock, Path dataDir,
             boolean deleteDataDirOnClose, int port, Duration startupTime) {
    this.server = server;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
    this.port = port;
    this.startupTime = startupTime;
  }

  /**
   * Starts a broker and returns once it accepts clients.
   *
   * @param settings port and data directory; not null
   * @return the running broker; close it to stop it
   * @throws BrokerStartException if the port is taken, the data directory is locked by another
   * broker or not
   *                              writable, or Kafka fails to start; the message names the port or
   * directory
   */
  public static EmbeddedBroker start(BrokerSettings settings) {
    long started = System.nanoTime();
    if (settings.port() != 0) {
      requirePortFree(settings.port());
    }
    boolean temporary = settings.dataDir().isEmpty();
    Path dataDir = settings.dataDir().map(Path::toAbsolutePath).orElseGet(EmbeddedBroker::createTempDataDir);
    createDirectories(dataDir);
    FileChannel channel = openLockChannel(dataDir);
    FileLock lock = lockOrFail(channel, dataDir);
    try {
      int attempts = settings.port() == 0 ? FREE_PORT_ATTEMPTS : 1;
      for (int attempt = 1; ; attempt++) {
        int clientPort = settings.port() == 0 ? freePort() : settings.port();
        int controllerPort = freePort();
        try {
          KafkaRaftServer server = startServer(settings, dataDir, clientPort, controllerPort);
          Duration took = Duration.ofNanos(System.nanoTime() - started);
          return new EmbeddedBroker(server, channel, lock, dataDir, temporary, clientPort, took);
        } catch (BrokerStartException e) {
          boolean portRace = e.getCause() != null && hasCause(e.getCause(), BindException.class);
          if (!portRace || attempt >= attempts) {
            throw e;
          }
        }
      }
    } catch (RuntimeException e) {
      release(lock, channel);
      if (temporary) {
        deleteRecursively(dataDir);
      }
      throw e;
    }
  }

  /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port on 127.0.0.1 (the actual one when a free port was requested). */
  public int port() {
    return port;
  }

  /** The data directory (a temporary one when none was given). */
  public Path dataDir() {
    return dataDir;
  }

  /** Wall-clock time from {@link #start} being called to the broker answering an admin client. */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Shuts the broker down cleanly (waits for it), releases the data-directory lock and deletes a
   * temporary data directory. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      release(lock, lockChannel);
      if (deleteDataDirOnClose) {
        deleteRecursively(dataDir);
      }
    }
  }

  private static KafkaRaftServer startServer(BrokerSettings settings, Path dataDir, int clientPort,
                       int controllerPort) {
    Path logDir = dataDir.resolve(KAFKA_LOG_DIR);
    Properties props = brokerProperties(logDir, clientPort, controllerPort);
    settings.brokerOverrides().forEach(props::setProperty);
    formatIfNeeded(dataDir, logDir, props);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      server.startup();
      awaitReady(HOST + ":" + clientPort);
      return server;
    } catch (RuntimeException e) {
      shutdownQuietly(server);
      if (hasCause(e, BindException.class)) {
        throw new BrokerStartException("port " + clientPort + " or " + controllerPort + " on " + HOST
            + " is already in use; pick another with --port, or --port 0 for any free port", e);
      }
      throw new BrokerStartException("Kafka broker failed to start on " + HOST + ":" + clientPort + " with data in "
          + dataDir + ": " + rootMessage(e), e);
    }
  }

  private static Properties brokerProperties(Path logDir, int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", Integer.toString(NODE_ID)),
        Map.entry("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort),
        Map.entry("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":"
            + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("log.dirs", logDir.toString()),
        Map.entry("num.partitions", "1"),
        Map.entry("default.replication.factor", "1"),
        Map.entry("min.insync.replicas", "1"),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "4"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("group.streams.session.timeout.ms", "6000"),
        Map.entry("group.streams.min.session.timeout.ms", "6000"),
        Map.entry("auto.create.topics.enable", "true")));
    return p;
  }

  private static void formatIfNeeded(Path dataDir, Path logDir, Properties props) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path configFile = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(configFile)) {
      props.store(out, "Kafka broker settings written by Tandem's embedded broker (used to format storage)");
    } catch (IOException e) {
      throw new BrokerStartException("cannot write " + configFile + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      status = StorageTool.execute(new String[] {
        "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()}, out);
    } catch (RuntimeException e) {
      throw new BrokerStartException("cannot format Kafka storage in " + logDir + ": " + rootMessage(e), e);
    }
    if (status != 0) {
      throw new BrokerStartException("cannot format Kafka storage in " + logDir + " (status " + status + "): "
          + captured.toString(StandardCharsets.UTF_8).strip(), null);
    }
  }

  private static void awaitReady(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) READY_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker at " + bootstrap, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("broker at " + bootstrap + " did not answer within " + READY_TIMEOUT, e);
    }
  }

  private static void requirePortFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
    } catch (IOException e) {
      throw new BrokerStartException("port " + port + " on " + HOST + " is already in use; pick another with "
          + "--port, or --port 0 for any free port", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new BrokerStartException("no free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  private static Path createTempDataDir() {
    try {
      return Files.createTempDirectory("tandem-broker-");
    } catch (IOException e) {
      throw new BrokerStartException("cannot create a temporary data directory: " + e.getMessage(), e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BrokerStartException("cannot create data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static FileChannel openLockChannel(Path dataDir) {
    try {
      return FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new BrokerStartException("data directory " + dataDir + " is not writable: " + e.getMessage(), e);
    }
  }

  private static FileLock lockOrFail(FileChannel channel, Path dataDir) {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new BrokerStartException("data directory " + dataDir + " is in use by another running broker; "
          + "stop it or choose another --data-dir", null);
    }
    return lock;
  }

  private static void release(FileLock lock, FileChannel channel) {
    try {
      lock.release();
    } catch (IOException e) {
      // The channel close below releases the lock as well.
    } finally {
      closeQuietly(channel);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing left to release.
    }
  }

  private static void shutdownQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException suppressed) {
      // Startup already failed; the startup error is the one reported.
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // A leftover temporary directory is harmless; the OS cleans /tmp.
    }
  }

  @Override
  public String toString() {
    return "EmbeddedBroker[" + bootstrapServers() + ", data=" + dataDir + "]";
  }
}
