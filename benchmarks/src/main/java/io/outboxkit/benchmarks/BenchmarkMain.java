package io.outboxkit.benchmarks;

import io.outboxkit.test.OtherPostgres;
import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestInfrastructureException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs OutboxKit's benchmarks against their baselines in one go and writes the results as markdown: printed,
 * and saved as {@code benchmarks/results/<date>.md}. See {@link BenchmarkOptions#USAGE} for the command line.
 *
 * <p>Exits with 0 when every measurement produced a figure (goals may still be missed: they are reported),
 * 1 when a measurement failed, 2 on a bad command line.
 */
public final class BenchmarkMain {

  private static final Logger log = LoggerFactory.getLogger(BenchmarkMain.class);
  private static final String BUILD = "./mvnw -q -pl benchmarks -am install -DskipTests";

  private BenchmarkMain() {
  }

  public static void main(String[] args) {
    BenchmarkOptions options;
    try {
      options = BenchmarkOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchmarkOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(BenchmarkOptions.USAGE);
      return;
    }
    int status;
    try {
      status = run(options, args);
    } catch (RuntimeException | IOException e) {
      log.error("the benchmark run failed", e);
      status = 1;
    }
    System.exit(status);
  }

  private static int run(BenchmarkOptions options, String[] args) throws IOException {
    makeClassPathAbsolute();
    Profile profile = options.profile();
    ZonedDateTime started = ZonedDateTime.now();
    long startNanos = System.nanoTime();
    String command = BUILD + " && java -jar benchmarks/target/benchmarks.jar" + (args.length == 0 ? "" : " "
        + String.join(" ", args));
    Report report = new Report(profile, started, command);
    report.relayJvmOptions = options.relayJvmOptions();
    report.loadAtStart = MachineFacts.loadAverage();
    Path workDirectory = moduleDirectory().resolve("target").resolve("benchmark-logs")
        .resolve(started.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    Files.createDirectories(workDirectory);
    log.info("OutboxKit benchmarks, profile {}: starting PostgreSQL and Kafka (relay logs in {})", profile.name(),
        workDirectory);

    OutboxTestInfrastructure infrastructure = OutboxTestInfrastructure.shared();
    report.machine = MachineFacts.collect(infrastructure);

    for (BenchmarkOptions.Part part : BenchmarkOptions.Part.values()) {
      if (!options.parts().contains(part)) {
        report.skipped.add(part.id());
        continue;
      }
      switch (part) {
        case CEILING -> report.ceiling = new ProducerCeilingBenchmark(infrastructure, profile).run();
        case RELAY -> {
          RelayBenchmark relays = new RelayBenchmark(infrastructure, profile, workDirectory,
              options.relayJvmOptions());
          Map<RelayKind, List<RelayResult>> rounds = new LinkedHashMap<>();
          profile.relays().forEach(kind -> rounds.put(kind, new ArrayList<>()));
          for (int round = 0; round < profile.relayRounds(); round++) {
            List<RelayKind> order = new ArrayList<>(profile.relays());
            if (round % 2 == 1) {
              Collections.reverse(order);
            }
            for (RelayKind kind : order) {
              rounds.get(kind).add(relays.run(kind, round == 0));
            }
          }
          List<RelayResult> results = new ArrayList<>();
          rounds.values().forEach(kindRounds -> results.add(RelayResult.combine(kindRounds)));
          report.relays = results;
        }
        case WRITER -> runWriters(report, new WriterBenchmark(profile, options.writerEventsPerTransaction()),
            infrastructure);
        case INBOX -> report.consumers = new InboxBenchmark(infrastructure, profile).run();
        case SAGA -> {
          SagaBenchmark sagas = new SagaBenchmark(infrastructure, profile);
          report.sagas = sagas.run();
          report.sagaIdleCpuMillisPerSecond = sagas.idleCpuMillisPerSecond();
        }
      }
    }

    report.loadAtEnd = MachineFacts.loadAverage();
    report.wallTime = Duration.ofNanos(System.nanoTime() - startNanos);
    Path file = resultsFile(options, started);
    String stem = file.getFileName().toString().replaceFirst("\\.md$", "");
    report.charts = ResultCharts.of(report, stem);
    String markdown = MarkdownReport.render(report);
    System.out.println();
    System.out.println(markdown);
    Files.writeString(file, markdown, StandardCharsets.UTF_8);
    for (ResultCharts.Chart chart : report.charts) {
      Files.writeString(file.resolveSibling(chart.fileName()), chart.svg(), StandardCharsets.UTF_8);
    }
    log.info("results written to {} ({} chart(s) beside it)", file, report.charts.size());
    return report.hasFailures() ? 1 : 0;
  }

  /**
   * The writer benchmark on two servers: first one of its own with {@code fsync=on}, where each commit waits for
   * its WAL flush as on a production server and the goals are judged, then the order shape on the shared server
   * ({@code fsync=off} when embedded), where a commit costs no flush and round trips dominate.
   */
  private static void runWriters(Report report, WriterBenchmark writers, OutboxTestInfrastructure infrastructure) {
    @Nullable OtherPostgres durable;
    try {
      durable = OtherPostgres.startDurable();
    } catch (TestInfrastructureException | UncheckedIOException e) {
      log.error("writer benchmark: the server with fsync on did not start: {}", e.getMessage());
      WriterServer server = new WriterServer(WriterBenchmark.DURABLE, "unknown (did not start)", writers.shapes());
      report.writerServers.add(server);
      report.writers.addAll(WriterBenchmark.failed(server, "the server with fsync on did not start: "
          + e.getMessage()));
      durable = null;
    }
    if (durable != null) {
      try (OtherPostgres server = durable) {
        log.info("writer benchmark: durable commits on {}", server);
        WriterServer measured = new WriterServer(WriterBenchmark.DURABLE,
            MachineFacts.postgresSettings(server::newDatabase), writers.shapes());
        report.writerServers.add(measured);
        report.writers.addAll(writers.run(measured, server::newDatabase));
      }
    }
    log.info("writer benchmark: the order shape on the shared {}", infrastructure.postgres());
    WriterServer shared = new WriterServer(WriterBenchmark.SHARED,
        MachineFacts.postgresSettings(infrastructure::newDatabase), List.of(WriterShape.ORDER));
    report.writerServers.add(shared);
    report.writers.addAll(writers.run(shared, infrastructure::newDatabase));
  }

  /** {@code <results>/<date>.md}, or {@code <date>-<time>.md} when a file of that date exists. */
  private static Path resultsFile(BenchmarkOptions options, ZonedDateTime started) throws IOException {
    Path directory = options.resultsDirectory() != null ? options.resultsDirectory()
        : moduleDirectory().resolve("results");
    Files.createDirectories(directory);
    Path file = directory.resolve(started.format(DateTimeFormatter.ISO_LOCAL_DATE) + ".md");
    if (Files.exists(file)) {
      file = directory.resolve(started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss", Locale.ROOT)) + ".md");
    }
    return file;
  }

  /**
   * The benchmarks module's directory: the parent of {@code target}, where this class was loaded from
   * ({@code target/benchmarks.jar} or {@code target/classes}); the working directory otherwise.
   */
  static Path moduleDirectory() {
    try {
      Path location = Path.of(BenchmarkMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = location.getParent();
      if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
          && target.getParent() != null) {
        return target.getParent();
      }
    } catch (URISyntaxException | RuntimeException ignored) {
      // fall back to the working directory
    }
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("benchmarks")) ? here.resolve("benchmarks") : here;
  }

  /**
   * Child JVMs (the relays, the Kafka broker) start from {@code java.class.path} in other working
   * directories: a relative entry such as {@code benchmarks/target/benchmarks.jar} must become absolute.
   */
  private static void makeClassPathAbsolute() {
    String classPath = System.getProperty("java.class.path", "");
    List<String> absolute = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        absolute.add(Path.of(entry).toAbsolutePath().normalize().toString());
      }
    }
    System.setProperty("java.class.path", String.join(File.pathSeparator, absolute));
  }
}
