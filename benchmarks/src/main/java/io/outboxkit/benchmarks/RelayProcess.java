package io.outboxkit.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay running in a JVM of its own ({@link RelayProcessMain}), started from this JVM's class path, so
 * that its peak memory and CPU time can be read from the operating system without the harness's own.
 */
final class RelayProcess implements AutoCloseable {

  /**
   * Default JVM options of every relay process: the same for all relays, so their memory compares; the
   * options the relay's documentation recommends for a relay process (a 256 MB heap limit; the serial
   * collector, which grows the heap with the live data rather than towards the limit; a young generation with
   * survivor spaces large enough for the events a relay holds in its queue, so that they die there instead of
   * filling the old generation).
   */
  static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-Xms128m", "-Xmx256m", "-Xmn64m", "-XX:SurvivorRatio=2", "-XX:+UseSerialGC");

  private static final Logger log = LoggerFactory.getLogger(RelayProcess.class);

  private final RelayKind kind;
  private final Process process;
  private final Path logFile;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile @Nullable String failure;
  private volatile boolean exited;

  private RelayProcess(RelayKind kind, Process process, Path logFile) {
    this.kind = kind;
    this.process = process;
    this.logFile = logFile;
    Thread reader = new Thread(this::readOutput, "relay-process-" + kind.id());
    reader.setDaemon(true);
    reader.start();
  }

  static RelayProcess launch(RelayKind kind, RelayTarget target, Path workDirectory, List<String> jvmOptions) {
    Path targetFile = workDirectory.resolve(kind.id() + ".properties");
    Path logFile = workDirectory.resolve(kind.id() + ".log");
    target.store(targetFile);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RelayProcessMain.class.getName());
    command.add(kind.id());
    command.add(targetFile.toString());
    try {
      Process process = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
          .start();
      log.info("relay {} started as process {} (log: {})", kind.id(), process.pid(), logFile);
      return new RelayProcess(kind, process, logFile);
    } catch (IOException e) {
      throw new BenchmarkException("cannot start the relay process for " + kind.id() + ": " + e.getMessage(), e);
    }
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith(RelayProcessMain.PREFIX)) {
          continue;
        }
        String message = line.substring(RelayProcessMain.PREFIX.length());
        if (message.equals(RelayProcessMain.READY)) {
          ready.countDown();
        } else if (message.startsWith(RelayProcessMain.FAILED)) {
          failure = message.substring(RelayProcessMain.FAILED.length());
          ready.countDown();
        }
      }
    } catch (IOException ignored) {
      // the process ended
    } finally {
      exited = true;
      ready.countDown();
    }
  }

  /** Waits until the relay runs; fails with the relay's own reason if it could not start. */
  void awaitReady(Duration timeout) {
    try {
      if (!ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new BenchmarkException("relay " + kind.id() + " did not start within " + timeout.toSeconds()
            + " s; see " + logFile);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchmarkException("interrupted while relay " + kind.id() + " started", e);
    }
    checkAlive();
  }

  /** Fails if the relay reported a failure or its process ended. */
  void checkAlive() {
    String reason = failure;
    if (reason != null) {
      throw new BenchmarkException("relay " + kind.id() + " failed: " + reason + " (log: " + logFile + ")");
    }
    if (exited || !process.isAlive()) {
      throw new BenchmarkException("relay " + kind.id() + " exited unexpectedly; see " + logFile);
    }
  }

  long pid() {
    return process.pid();
  }

  Path logFile() {
    return logFile;
  }

  /**
   * Stops every thread of the relay's process ({@code kill -STOP}) until {@link #thaw()}: the relay neither
   * reads nor sends, as if it hung, while its JVM keeps the code it compiled.
   *
   * @return false where that is not possible (no {@code kill} command, the signal refused)
   */
  boolean freeze() {
    return signal("STOP");
  }

  /** Lets a process stopped by {@link #freeze()} run again ({@code kill -CONT}). */
  boolean thaw() {
    return signal("CONT");
  }

  private boolean signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      log.warn("relay {}: cannot send SIG{} to process {}: {}", kind.id(), name, process.pid(), e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  Optional<Duration> cpuTime() {
    return ProcessStats.cpuTime(process.pid());
  }

  OptionalLong peakRssBytes() {
    return ProcessStats.peakRssBytes(process.pid());
  }

  /** Asks the relay to stop, waits up to a minute, then kills it. */
  @Override
  public void close() {
    if (process.isAlive()) {
      signal("CONT"); // in case a measurement failed while the process was stopped
      try {
        OutputStream in = process.getOutputStream();
        in.write("STOP\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        in.close();
      } catch (IOException ignored) {
        // it is going away already
      }
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          log.warn("relay {} did not stop within 60 s; killing process {}", kind.id(), process.pid());
          process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
