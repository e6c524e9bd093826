package io.outboxkit.connect;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.relay.KafkaConnectConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * A Kafka Connect worker in standalone mode, as {@code connect-standalone.sh} runs it, in the test JVM: its REST
 * server on a free port, offsets in a file, secrets through Kafka's {@link FileConfigProvider}, and the
 * Debezium PostgreSQL connector and Event Router found on the class path (their service manifests).
 */
final class ConnectWorker implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final ConnectStandalone cli;
  private final Connect<StandaloneHerder> connect;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private ConnectWorker(Path directory, ConnectStandalone cli, Connect<StandaloneHerder> connect) {
    this.directory = directory;
    this.cli = cli;
    this.connect = connect;
  }

  /** Starts a worker on the broker {@code bootstrapServers}; its offsets file and secrets live in {@code directory}. */
  static ConnectWorker start(String bootstrapServers, Path directory) {
    // the command line's failures end the JVM; here they end the test
    Exit.setExitProcedure((status, message) -> {
      throw new IllegalStateException("Kafka Connect wanted to exit with status " + status + ": " + message);
    });
    Map<String, String> worker = new HashMap<>();
    worker.put("bootstrap.servers", bootstrapServers);
    worker.put("listeners", "http://127.0.0.1:0");
    worker.put("offset.storage.file.filename", directory.resolve("connect.offsets").toString());
    worker.put("offset.flush.interval.ms", "1000");
    worker.put("key.converter", StringConverter.class.getName());
    worker.put("value.converter", StringConverter.class.getName());
    worker.put("plugin.discovery", "service_load");
    // the generated configuration overrides the producer's settings and reads the password through a provider
    worker.put("connector.client.config.override.policy", "All");
    worker.put("config.providers", "file");
    worker.put("config.providers.file.class", FileConfigProvider.class.getName());
    ConnectStandalone cli = new ConnectStandalone();
    return new ConnectWorker(directory, cli, cli.startConnect(worker));
  }

  /**
   * Writes {@code password} to a properties file that only the worker's config provider reads, and returns the
   * reference to give {@link KafkaConnectConfig#of}.
   */
  String passwordReference(String password) {
    Path secrets = directory.resolve("db-secrets.properties");
    Properties properties = new Properties();
    properties.setProperty("password", password);
    try (var out = Files.newBufferedWriter(secrets, StandardCharsets.UTF_8)) {
      properties.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "${file:" + secrets + ":password}";
  }

  /** Deploys the connector as {@code connect-standalone.sh worker.properties connector.properties} does. */
  void deployFromPropertiesFile(KafkaConnectConfig connector) throws IOException {
    Path file = directory.resolve(connector.name() + ".properties");
    Files.writeString(file, connector.toProperties(), StandardCharsets.UTF_8);
    cli.processExtraArgs(connect, new String[] {file.toString()});
  }

  /** Deploys the connector with the REST API's {@code POST /connectors}, the body being {@link KafkaConnectConfig#toJson()}. */
  void deployWithRest(KafkaConnectConfig connector) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("connectors"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(connector.toJson())));
    if (response.statusCode() != 201) {
      throw new AssertionError("POST /connectors answered " + response.statusCode() + ": " + response.body());
    }
  }

  /** Stops the connector and its task ({@code PUT /connectors/<name>/stop}), keeping its configuration and offsets. */
  void stop(String name) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("connectors/" + name + "/stop"))
        .PUT(HttpRequest.BodyPublishers.noBody()));
    if (response.statusCode() != 202 && response.statusCode() != 204) {
      throw new AssertionError("PUT /connectors/" + name + "/stop answered " + response.statusCode() + ": "
          + response.body());
    }
    await("connector " + name + " STOPPED").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200))
        .until(() -> "STOPPED".equals(status(name).path("connector").path("state").asText()));
  }

  /**
   * Resets the offsets of a stopped connector ({@code DELETE /connectors/<name>/offsets}): deployed again, it
   * starts where a new one would, at the slot's position.
   */
  void resetOffsets(String name) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("connectors/" + name + "/offsets")).DELETE());
    if (response.statusCode() != 200) {
      throw new AssertionError("DELETE /connectors/" + name + "/offsets answered " + response.statusCode() + ": "
          + response.body());
    }
  }

  /** Waits until the connector and its one task run; a failed task fails the wait with its trace. */
  void awaitRunning(String name) {
    await("connector " + name + " RUNNING").atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
      JsonNode status = status(name);
      if (status == null) {
        return false;
      }
      for (JsonNode task : status.path("tasks")) {
        if ("FAILED".equals(task.path("state").asText())) {
          throw new AssertionError("task of connector " + name + " failed: " + task.path("trace").asText());
        }
      }
      if ("FAILED".equals(status.path("connector").path("state").asText())) {
        throw new AssertionError("connector " + name + " failed: " + status.path("connector").path("trace").asText());
      }
      return "RUNNING".equals(status.path("connector").path("state").asText()) && status.path("tasks").size() == 1
          && "RUNNING".equals(status.path("tasks").get(0).path("state").asText());
    });
  }

  /** The connector's configuration as the worker stores it ({@code GET /connectors/<name>/config}). */
  JsonNode config(String name) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("connectors/" + name + "/config")).GET());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /connectors/" + name + "/config answered " + response.statusCode() + ": "
          + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** {@code GET /connectors/<name>/status}, or null while the worker does not know the connector. */
  JsonNode status(String name) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(uri("connectors/" + name + "/status")).GET());
    if (response.statusCode() == 404) {
      return null;
    }
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /connectors/" + name + "/status answered " + response.statusCode() + ": "
          + response.body());
    }
    return JSON.readTree(response.body());
  }

  private URI uri(String path) {
    return connect.rest().serverUrl().resolve(path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    try {
      connect.stop();
    } finally {
      Exit.resetExitProcedure();
    }
  }
}
