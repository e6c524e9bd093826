package io.outboxkit.fault;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A JVM of its own started from this JVM's class path, for the parts of the pipeline that a scenario kills
 * with SIGKILL. Its output goes to a log file under {@code target/fault-logs}; lines starting with
 * {@value #MARKER} are the child's reports to the test and are kept in memory as well.
 *
 * <p>The child's standard input stays open for as long as this JVM lives: {@link #exitWithParent()} in the
 * child's {@code main} halts it when that input ends, so no child outlives a test run that died.
 */
final class ChildJvm implements AutoCloseable {

  /** Prefix of the lines a child prints for the test. */
  static final String MARKER = "FAULT-CHILD ";

  private static final Path LOG_DIRECTORY = Path.of("target", "fault-logs");

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> reports = new CopyOnWriteArrayList<>();
  private final Thread pump;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.pump = new Thread(this::pumpOutput, "child-output-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /** Starts {@code mainClass} with {@code args} in a new JVM; {@code name} names its log file. */
  static ChildJvm start(String name, Class<?> mainClass, List<String> args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass.getName()));
    command.addAll(args);
    try {
      Files.createDirectories(LOG_DIRECTORY);
      Path log = LOG_DIRECTORY.resolve(name + "-" + System.currentTimeMillis() + ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      return new ChildJvm(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the child JVM " + name, e);
    }
  }

  private void pumpOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write('\n');
        out.flush();
        int at = line.indexOf(MARKER);
        if (at >= 0) {
          reports.add(line.substring(at + MARKER.length()));
        }
      }
    } catch (IOException e) {
      // the child is gone; what it printed is in the log
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The reports printed so far, oldest first, without the marker. */
  List<String> reports() {
    return List.copyOf(reports);
  }

  /** The latest report that {@code matching} accepts, or null. */
  @Nullable String lastReport(Predicate<String> matching) {
    List<String> all = reports();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (matching.test(all.get(i))) {
        return all.get(i);
      }
    }
    return null;
  }

  /**
   * Waits for a report that {@code matching} accepts.
   *
   * @throws AssertionError if the child exits first or the time runs out; the message names the log file
   */
  String awaitReport(String what, Predicate<String> matching, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String report = lastReport(matching);
      if (report != null) {
        return report;
      }
      if (!process.isAlive()) {
        awaitOutput();
        report = lastReport(matching);
        if (report != null) {
          return report;
        }
        throw new AssertionError(name + " exited with code " + process.exitValue() + " before " + what
            + "; its reports: " + reports() + "; log " + log.toAbsolutePath());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " did not report " + what + " within " + timeout.toSeconds()
            + " s; its reports: " + reports() + "; log " + log.toAbsolutePath());
      }
      pause(50);
    }
  }

  /** SIGKILL: no shutdown hook, no commit, no goodbye to the group or the database. Waits until it is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " (pid " + process.pid() + ") survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    awaitOutput();
  }

  /** Waits until the child exited by itself and returns its exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s; log "
            + log.toAbsolutePath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    awaitOutput();
    return process.exitValue();
  }

  private void awaitOutput() {
    try {
      pump.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }

  /**
   * For a child's {@code main}: halts this JVM when the parent's end of standard input closes, that is when
   * the test JVM has gone.
   */
  static void exitWithParent() {
    exitWithParent(command -> { });
  }

  /**
   * As {@link #exitWithParent()}, and hands each line the test sends ({@link #send}) to {@code commands}, on
   * a thread of its own.
   */
  static void exitWithParent(java.util.function.Consumer<String> commands) {
    Thread watcher = new Thread(() -> {
      try {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          commands.accept(line.trim());
        }
      } catch (IOException ignored) {
        // same as end of input
      }
      Runtime.getRuntime().halt(99);
    }, "exit-with-parent");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Sends one command line to the child's standard input. */
  void send(String command) {
    try {
      process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send '" + command + "' to " + this, e);
    }
  }

  /** For a child's {@code main}: prints one report line for the test. */
  static void report(String line) {
    System.out.println(MARKER + line);
    System.out.flush();
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
