package io.outboxkit.samples.shop;

import io.outboxkit.test.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@link OrchestratorMain} in a child JVM on the demo's class path: its log and its traces go to
 * files of their own (numbered by run), its console to the demo's log.
 */
final class OrchestratorProcess {

  private static final Logger log = LoggerFactory.getLogger(OrchestratorProcess.class);

  private final int run;
  private final Process process;
  private final Path logFile;
  private final Path tracesFile;
  private final CompletableFuture<Integer> ready = new CompletableFuture<>();

  private OrchestratorProcess(int run, Process process, Path logFile, Path tracesFile) {
    this.run = run;
    this.process = process;
    this.logFile = logFile;
    this.tracesFile = tracesFile;
  }

  /**
   * Starts the process; {@link #awaitReady} waits until its consumers run.
   *
   * @param run 1 for the first, 2 after the first was killed, ...
   * @param arguments the order service's arguments (database, brokers, saga settings)
   */
  static OrchestratorProcess start(int run, List<String> arguments) {
    Path logFile = ShopScenario.besideLog("-orchestrator-" + run + ".log");
    Path tracesFile = ShopScenario.besideLog("-orchestrator-" + run + "-traces.jsonl");
    List<String> mainAndArguments = new ArrayList<>(List.of(OrchestratorMain.class.getName()));
    mainAndArguments.addAll(arguments);
    List<String> command = ChildJvm.command(List.of("-Xmx768m", "-XX:+UseSerialGC",
        // C1 only: the process starts in seconds less on a busy machine, and its work is mostly waiting on I/O
        "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true", "-Dorg.springframework.boot.logging.LoggingSystem=none",
        "-Dshop.demo.log=" + logFile, "-Dshop.orchestrator.traces=" + tracesFile), mainAndArguments);
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the orchestrator's JVM (" + command.get(0) + "): "
          + e.getMessage(), e);
    }
    OrchestratorProcess started = new OrchestratorProcess(run, process, logFile, tracesFile);
    Thread console = new Thread(started::readConsole, "shop-orchestrator-" + run + "-console");
    console.setDaemon(true);
    console.start();
    return started;
  }

  private void readConsole() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith(OrchestratorMain.READY)) {
          ready.complete(Integer.parseInt(line.substring(OrchestratorMain.READY.length()).trim()));
        } else {
          log.info("orchestrator process {}: {}", run, line);
        }
      }
    } catch (IOException | NumberFormatException e) {
      log.warn("orchestrator process {}: console unreadable: {}", run, e.getMessage());
    }
    ready.completeExceptionally(new IllegalStateException("the orchestrator process exited"
        + (process.isAlive() ? "" : " with code " + exitCode()) + " before it was ready; its log is " + logFile));
  }

  private int exitCode() {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Waits until the process's consumers run; returns its HTTP port. */
  int awaitReady(Duration timeout) {
    try {
      return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the orchestrator started", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the orchestrator process was not ready after " + timeout.toSeconds()
          + " s; its log is " + logFile, e);
    }
  }

  /** SIGKILL, as the operating system ends a process that ran out of memory: nothing of it runs after this. */
  void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(60));
  }

  /** SIGTERM: the process closes its consumers and writes its spans; SIGKILL if it takes more than a minute. */
  void stop() {
    process.destroy();
    if (!awaitExit(Duration.ofSeconds(60))) {
      log.warn("orchestrator process {} did not stop within 60 s of SIGTERM: killing it", run);
      kill();
    }
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  Path tracesFile() {
    return tracesFile;
  }
}
