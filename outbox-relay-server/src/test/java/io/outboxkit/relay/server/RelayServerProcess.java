package io.outboxkit.relay.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The built relay server jar, running as a child process with its output in a file. */
final class RelayServerProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path output;

  private RelayServerProcess(Process process, int port, Path output) {
    this.process = process;
    this.port = port;
    this.output = output;
  }

  /** Starts {@code java -jar outboxkit-outbox-relay-server-<version>.jar --server.port=<free port> <arguments>}. */
  static RelayServerProcess start(String name, List<String> arguments) throws IOException {
    int port = freePort();
    Path output = Paths.get("target", "relay-server-" + name + ".log");
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(), "--server.port=" + port));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    return new RelayServerProcess(process, port, output);
  }

  private static Path jar() {
    String configured = System.getProperty("outbox.relay.server.jar");
    Path jar = configured != null ? Paths.get(configured) : null;
    if (jar == null || !Files.isRegularFile(jar)) {
      throw new IllegalStateException("the relay server jar " + jar + " is missing: run 'mvn verify', which "
          + "builds it in the package phase before the integration tests");
    }
    return jar;
  }

  /** The relay's state in {@code /actuator/health} ({@code ACTIVE}, {@code STANDBY}, ...), or null if not up. */
  @Nullable String relayState() {
    JsonNode health = health();
    JsonNode state = health == null ? null : health.at("/components/outboxRelay/details/state");
    return state == null || state.isMissingNode() ? null : state.asText();
  }

  /** The health endpoint's JSON, or null while the server does not answer. */
  @Nullable JsonNode health() {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint("health"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The Prometheus scrape output. */
  String prometheus() throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint("prometheus"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
  }

  private URI endpoint(String name) {
    return URI.create("http://127.0.0.1:" + port + "/actuator/" + name);
  }

  /** Sends SIGTERM ({@link Process#destroy()}) and waits for the exit; returns the exit status. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the relay server did not exit within " + timeout + " of SIGTERM; output:\n"
          + output());
    }
    return process.exitValue();
  }

  /** Waits for the process to end on its own; returns the exit status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the relay server is still running after " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the process wrote to standard output and standard error so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "relay server on port " + port + " (output in " + output + ")";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
