package io.outboxkit.test;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker in a child JVM started from the Kafka jars on this JVM's class path.
 * Being a real process it can be stopped with SIGTERM, killed with SIGKILL and started again on the same
 * port with the same log directory. The child exits by itself when this JVM goes away.
 */
final class KafkaBrokerProcess implements KafkaServer {

  private static final Logger log = LoggerFactory.getLogger(KafkaBrokerProcess.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final Path directory;
  private final int brokerPort;
  private final int controllerPort;
  private final int saslPort;
  private final Path config;
  private final Path logFile;
  private @Nullable Process process;
  private boolean formatted;

  KafkaBrokerProcess(Path directory, int brokerPort, int controllerPort, int saslPort) {
    this.directory = directory;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.saslPort = saslPort;
    this.config = directory.resolve("server.properties");
    this.logFile = directory.resolve("broker.log");
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  @Override
  public SaslListener sasl() {
    return new SaslListener("127.0.0.1:" + saslPort, SaslListener.USERNAME, SaslListener.PASSWORD);
  }

  @Override
  public boolean canRestart() {
    return true;
  }

  /** Launches the broker without waiting for it; {@link #awaitReady()} waits. */
  synchronized void launch() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      if (!formatted) {
        writeConfiguration();
        int exit = runToCompletion(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
            "-c", config.toString(), "--standalone"));
        if (exit != 0) {
          throw new TestInfrastructureException("formatting the Kafka log directory failed with exit code " + exit
              + "; see " + logFile);
        }
        formatted = true;
      }
      process = javaProcess(List.of(KafkaBrokerMain.class.getName(), config.toString()))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new TestInfrastructureException("the Kafka broker process could not be started: " + e.getMessage(), e);
    }
  }

  /** Waits until the broker answers on its port, or fails naming the log file. */
  void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    awaitPort(deadline); // before any Kafka client exists, so that none logs refused connections
    Properties adminConfig = new Properties();
    adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    try (Admin admin = Admin.create(adminConfig)) {
      while (true) {
        Process current = process;
        if (current == null || !current.isAlive()) {
          throw new TestInfrastructureException("the Kafka broker process exited during start-up"
              + (current == null ? "" : " with code " + current.exitValue()) + "; see " + logFile);
        }
        try {
          int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes()
              .get(6, TimeUnit.SECONDS).size();
          if (nodes > 0) {
            return;
          }
        } catch (Exception notYet) {
          if (notYet instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            throw new TestInfrastructureException("interrupted while waiting for the Kafka broker", notYet);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new TestInfrastructureException("the Kafka broker did not answer on " + bootstrapServers() + " within "
              + START_TIMEOUT.toSeconds() + " s; see " + logFile);
        }
        pause(200);
      }
    }
  }

  private void awaitPort(long deadline) {
    while (true) {
      Process current = process;
      if (current == null || !current.isAlive()) {
        return; // reported by the caller
      }
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", brokerPort), 1000);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          return;
        }
        pause(100);
      }
    }
  }

  @Override
  public void start() {
    launch();
    awaitReady();
    log.info("Kafka broker serving at {}", bootstrapServers());
  }

  @Override
  public synchronized void stop() {
    Process current = process;
    process = null;
    if (current == null) {
      return;
    }
    current.destroy();
    try {
      if (!current.waitFor(90, TimeUnit.SECONDS)) {
        log.warn("Kafka broker did not stop within 90 s of SIGTERM; killing it");
        current.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      current.destroyForcibly();
    }
    log.info("Kafka broker at {} stopped", bootstrapServers());
  }

  @Override
  public synchronized void kill() {
    Process current = process;
    process = null;
    if (current == null) {
      return;
    }
    current.destroyForcibly();
    try {
      current.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Kafka broker at {} killed", bootstrapServers());
  }

  private void writeConfiguration() throws IOException {
    Files.createDirectories(directory);
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("process.roles", "broker,controller");
    settings.put("node.id", "1");
    settings.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
        + ",CONTROLLER://127.0.0.1:" + controllerPort);
    settings.put("advertised.listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
    settings.put("controller.listener.names", "CONTROLLER");
    settings.put("inter.broker.listener.name", "PLAINTEXT");
    settings.put("listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    // a listener that authenticates clients (SASL PLAIN, one user), for tests of clients' security settings
    settings.put("sasl.enabled.mechanisms", "PLAIN");
    settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SaslListener.USERNAME + "=\""
            + SaslListener.PASSWORD + "\";");
    settings.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    settings.put("log.dirs", directory.resolve("data").toString());
    settings.put("num.partitions", "1");
    settings.put("auto.create.topics.enable", "true");
    settings.put("offsets.topic.replication.factor", "1");
    settings.put("offsets.topic.num.partitions", "4");
    settings.put("transaction.state.log.replication.factor", "1");
    settings.put("transaction.state.log.min.isr", "1");
    settings.put("transaction.state.log.num.partitions", "4");
    settings.put("share.coordinator.state.topic.replication.factor", "1");
    settings.put("share.coordinator.state.topic.min.isr", "1");
    settings.put("group.initial.rebalance.delay.ms", "0");
    settings.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> setting : settings.entrySet()) {
        out.write(setting.getKey() + "=" + setting.getValue() + "\n");
      }
    }
    Files.writeString(directory.resolve("logback.xml"), """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
          </appender>
          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
          <root level="WARN"><appender-ref ref="OUT"/></root>
        </configuration>
        """, StandardCharsets.UTF_8);
  }

  private int runToCompletion(List<String> mainAndArguments) throws IOException {
    Process formatter = javaProcess(mainAndArguments)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true)
        .start();
    try {
      formatter.getOutputStream().close();
      if (!formatter.waitFor(120, TimeUnit.SECONDS)) {
        formatter.destroyForcibly();
        throw new TestInfrastructureException("formatting the Kafka log directory took longer than 120 s; see " + logFile);
      }
      return formatter.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      formatter.destroyForcibly();
      throw new TestInfrastructureException("interrupted while formatting the Kafka log directory", e);
    }
  }

  private ProcessBuilder javaProcess(List<String> mainAndArguments) {
    // the child runs in another working directory: ChildJvm makes the class path absolute
    List<String> command = ChildJvm.command(List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
        "-Dlogback.configurationFile=" + directory.resolve("logback.xml"), "-Dlog4j2.level=WARN"), mainAndArguments);
    return new ProcessBuilder(command).directory(directory.toFile());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TestInfrastructureException("interrupted while waiting for the Kafka broker", e);
    }
  }

  @Override
  public String toString() {
    return "Kafka broker process at " + bootstrapServers();
  }
}
