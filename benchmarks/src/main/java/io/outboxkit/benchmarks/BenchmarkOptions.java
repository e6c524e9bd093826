package io.outboxkit.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The command line.
 *
 * @param profile sizes and durations
 * @param parts the benchmarks to run
 * @param resultsDirectory where the results file goes, or null for the default
 * @param relayJvmOptions the JVM options of every relay process
 * @param writerEventsPerTransaction events OutboxKit's writer adds to each transaction of the writer
 *     benchmark's bulk shape
 * @param help print the usage and exit
 */
record BenchmarkOptions(Profile profile, Set<Part> parts, @Nullable Path resultsDirectory,
                        List<String> relayJvmOptions, int writerEventsPerTransaction, boolean help) {

  /** The benchmarks of a run, in the order they run. */
  enum Part {
    CEILING, RELAY, WRITER, INBOX, SAGA;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String USAGE = """
      usage: java -jar benchmarks/target/benchmarks.jar [options]
        --profile quick|full|smoke   sizes and durations (default quick: a few minutes; full: publishable
                                     figures; smoke: a minute or two, checks that everything works)
        --only PART[,PART...]        run only these: ceiling, relay, writer, inbox, saga (default: all)
        --relays ID[,ID...]          relays to measure: outboxkit-table, outboxkit-wal, polling,
                                     debezium-defaults, debezium-tuned (default: the profile's)
        --drain-events N             events of the backlog drain (default: the profile's)
        --long-drain-events N        events of the long backlog drain, by a relay process of its own,
                                     once per relay; 0 leaves it out (default: 1,000,000 in the full
                                     profile, 0 otherwise)
        --latency-rates R[,R...]     events/s of the relays' latency runs, one run per rate (default
                                     1000,5000,10000; the first is the rate of the p99 goal)
        --sagas N                    sagas per flow in the saga throughput run (default: the profile's)
        --writer-events N            events per transaction of the writer benchmark's bulk shape (100
                                     order rows), 1-100 (default 100: one per row); the order shape
                                     always has one order, three lines and one event
        --relay-jvm-options "OPTS"   JVM options of every relay process (default: -Xms128m -Xmx256m
                                     -Xmn64m -XX:SurvivorRatio=2 -XX:+UseSerialGC)
        --results-dir DIR            where <date>.md is written (default: benchmarks/results)
        --help                       this text
      """;

  static BenchmarkOptions parse(String... args) {
    Profile profile = Profile.QUICK;
    Set<Part> parts = EnumSet.allOf(Part.class);
    List<RelayKind> relays = null;
    Integer drainEvents = null;
    Integer longDrainEvents = null;
    Integer sagas = null;
    List<Integer> latencyRates = null;
    Path resultsDirectory = null;
    List<String> relayJvmOptions = RelayProcess.DEFAULT_JVM_OPTIONS;
    int writerEvents = BusinessRows.BULK_ORDERS;
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--profile" -> profile = Profile.named(value(args, ++i, arg));
        case "--only" -> {
          parts = EnumSet.noneOf(Part.class);
          for (String part : list(value(args, ++i, arg))) {
            parts.add(part(part));
          }
        }
        case "--relays" -> {
          relays = new ArrayList<>();
          for (String id : list(value(args, ++i, arg))) {
            RelayKind kind = RelayKind.byId(id);
            if (relays.contains(kind)) {
              throw new IllegalArgumentException("--relays lists " + kind.id() + " twice");
            }
            relays.add(kind);
          }
        }
        case "--drain-events" -> drainEvents = number(arg, value(args, ++i, arg), 2, 10_000_000);
        case "--long-drain-events" -> longDrainEvents = number(arg, value(args, ++i, arg), 0, 10_000_000);
        case "--latency-rates" -> {
          latencyRates = new ArrayList<>();
          for (String rate : list(value(args, ++i, arg))) {
            int value = number(arg, rate, 10, 100_000);
            if (latencyRates.contains(value)) {
              throw new IllegalArgumentException("--latency-rates lists " + value + " twice");
            }
            latencyRates.add(value);
          }
        }
        case "--sagas" -> sagas = number(arg, value(args, ++i, arg), 10, 1_000_000);
        case "--writer-events" -> writerEvents = number(arg, value(args, ++i, arg), 1, BusinessRows.BULK_ORDERS);
        case "--results-dir" -> resultsDirectory = Path.of(value(args, ++i, arg));
        case "--relay-jvm-options" -> {
          String text = value(args, ++i, arg);
          relayJvmOptions = List.of(text.trim().split("\\s+"));
          if (relayJvmOptions.stream().anyMatch(option -> !option.startsWith("-"))) {
            throw new IllegalArgumentException("--relay-jvm-options takes JVM options, each starting with '-': '"
                + text + "'");
          }
        }
        default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
    }
    profile = profile.with(relays, drainEvents, longDrainEvents, sagas, latencyRates);
    return new BenchmarkOptions(profile, parts, resultsDirectory, relayJvmOptions, writerEvents, help);
  }

  private static int number(String option, String text, int min, int max) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(option + " must be " + min + "-" + max + ", got " + value);
    }
    return value;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || (args[index].startsWith("--") && !option.equals("--relay-jvm-options"))) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static List<String> list(String text) {
    List<String> items = new ArrayList<>();
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new IllegalArgumentException("an empty list: '" + text + "'");
    }
    return items;
  }

  private static Part part(String id) {
    for (Part part : Part.values()) {
      if (part.id().equals(id.toLowerCase(Locale.ROOT))) {
        return part;
      }
    }
    throw new IllegalArgumentException("unknown part '" + id + "': use ceiling, relay, writer, inbox or saga");
  }
}
