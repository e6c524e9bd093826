package io.outboxkit.benchmarks;

import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures one relay in four phases against a fresh database and topic, the relay running in a JVM of its
 * own:
 *
 * <ol>
 *   <li>backlog drain: {@code drainEvents} events are written before the relay starts; the rate is the
 *       events divided by the time between the first and the last consumption (start-up excluded); the
 *       relay process's CPU time from the first to the last event gives CPU seconds per 100k events;
 *   <li>warm backlog drain: the relay's process is stopped ({@code kill -STOP}) while as many events again
 *       are written, then let go on: the same JVM, with the code it compiled during the first drain, catches
 *       up, as a relay does that fell behind while it ran (a hang, a long pause). Same rate and CPU
 *       measures; skipped where a process cannot be stopped;
 *   <li>latency: one run per rate of the profile (by default 1,000, 5,000 and 10,000 events/s), one event per
 *       transaction; commit-to-consume time per event (commit = the writer's commit call returned, consume =
 *       the benchmark consumer's poll returned it, both in this JVM); each run's warm-up is left out, and the
 *       next run starts when every event of the one before was delivered; whether the relay sustained the rate
 *       is decided as {@link RateRun} says;
 *   <li>with the writer running: {@value #WRITER_THREADS} threads write transactions of
 *       {@value #EVENTS_PER_TRANSACTION} events as fast as they can for a fixed window; the relay's rate is
 *       the events consumed within that window divided by the window. What the relay had not delivered by
 *       the end of the window is reported, not waited for: the relay is stopped and the database dropped.
 * </ol>
 *
 * The relay process's peak resident memory is read at the end.
 *
 * <p>With {@link Profile#longDrainEvents()} above 0, a fifth measure follows in a database, a topic and a
 * relay process of its own: the long backlog drain, the first phase with that many events. A drain of a few
 * seconds is mostly the time a fresh JVM takes to compile the relay's code; a long one is closer to the
 * backlog a relay finds after an outage of minutes.
 */
final class RelayBenchmark {

  static final int BACKLOG_EVENTS_PER_TRANSACTION = 500;
  static final int WRITER_THREADS = 2;
  static final int EVENTS_PER_TRANSACTION = 100;
  static final int PACED_WRITER_THREADS = 4;
  static final int MAX_PACED_WRITER_THREADS = 16;
  /** The highest rate the latency runs offer one event per transaction. */
  static final int SINGLE_EVENT_RATE = 5_000;
  /** Points of each drain's events-delivered-over-time series. */
  static final int DELIVERED_POINTS = 200;
  static final String SLOT = "benchmark_slot";
  static final String PUBLICATION = "benchmark_publication";

  private static final Logger log = LoggerFactory.getLogger(RelayBenchmark.class);

  private final OutboxTestInfrastructure infrastructure;
  private final Profile profile;
  private final Path workDirectory;
  private final List<String> jvmOptions;

  RelayBenchmark(OutboxTestInfrastructure infrastructure, Profile profile, Path workDirectory,
                 List<String> jvmOptions) {
    this.infrastructure = infrastructure;
    this.profile = profile;
    this.workDirectory = workDirectory;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  /** Measures {@code kind}; the long backlog drain too when {@code withLongDrain} and the profile has one. */
  RelayResult run(RelayKind kind, boolean withLongDrain) {
    RelayResult result = new RelayResult(kind);
    MeasuredRelay relay;
    try {
      relay = kind.create();
      result.description = relay.describe();
    } catch (NotAvailableException e) {
      result.unavailable = e.getMessage();
      log.warn("relay {}: not measured: {}", kind.id(), e.getMessage());
      return result;
    }
    log.info("relay {}: {}", kind.id(), result.description);
    try (TestDatabase db = infrastructure.newDatabase("relay " + kind.id())) {
      measure(kind, relay, db, result);
    } catch (RuntimeException e) {
      result.failure = e.getMessage() == null ? e.toString() : e.getMessage();
      log.error("relay {}: measurement failed: {}", kind.id(), result.failure, e);
    }
    if (withLongDrain && profile.longDrainEvents() > 0 && result.failure == null) {
      try (TestDatabase db = infrastructure.newDatabase("relay " + kind.id() + " long drain")) {
        measureLongDrain(kind, relay, db, result);
      } catch (RuntimeException e) {
        result.failure = "long backlog drain: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        log.error("relay {}: long backlog drain failed: {}", kind.id(), result.failure, e);
      }
    }
    return result;
  }

  /** What a fresh relay process and its consumer give the phases that follow its first drain. */
  private record Fresh(RelayProcess process, EventConsumer consumer, Timeline timeline, Drain drain) {
  }

  @FunctionalInterface
  private interface AfterDrain {
    void run(Fresh fresh);
  }

  /**
   * In {@code db} and a new topic: prepares the relay, writes a backlog of {@code events}, starts a relay process,
   * measures its drain and hands all that to {@code after}; then adds the consumer's duplicates and foreign records
   * to {@code result} and stops the process.
   */
  private void drainInFreshProcess(RelayKind kind, MeasuredRelay relay, TestDatabase db, String topicName,
                                   int events, int timelineCapacity, RelayResult result, AfterDrain after) {
    if (kind.source() != EventSource.WAL_MESSAGE) {
      SqlScripts.outboxTable(db.dataSource());
    }
    TestKafka kafka = infrastructure.kafka(kind.id());
    RelayTarget target = new RelayTarget(db.host(), db.port(), db.name(), db.username(), db.password(),
        kafka.bootstrapServers(), kafka.newTopic(topicName) + ".", SLOT, PUBLICATION);
    kafka.createTopic(target.topic(), 1);
    relay.prepare(target);
    Timeline timeline = new Timeline(timelineCapacity);
    log.info("relay {}: writing a backlog of {} events", kind.id(), events);
    LoadWriter.backlog(db.dataSource(), kind.source(), 0, events, BACKLOG_EVENTS_PER_TRANSACTION);
    try (EventConsumer consumer = new EventConsumer(target.bootstrapServers(), target.topic(), 1, timeline);
         RelayProcess process = RelayProcess.launch(kind, target, workDirectory, jvmOptions)) {
      process.awaitReady(Duration.ofSeconds(180));
      Drain drain = drain(consumer, process, timeline, events);
      log.info("relay {}: drained {} events at {} events/s ({} events/s over the later half)", kind.id(), events,
          Math.round(drain.perSecond()), Math.round(drain.secondHalfPerSecond()));
      after.run(new Fresh(process, consumer, timeline, drain));
      result.duplicates += consumer.duplicates();
      result.foreignRecords += consumer.foreign();
    }
  }

  private void measureLongDrain(RelayKind kind, MeasuredRelay relay, TestDatabase db, RelayResult result) {
    int events = profile.longDrainEvents();
    drainInFreshProcess(kind, relay, db, "long-drain", events, events + 1, result, fresh -> {
      result.longDrainEvents = events;
      result.longDrainPerSecond = fresh.drain().perSecond();
      result.longDrainSecondHalfPerSecond = fresh.drain().secondHalfPerSecond();
      result.longDrainCpuSecondsPer100k = fresh.drain().cpuSecondsPer100k();
      result.longDrainDelivered = fresh.timeline().deliveredOverTime(0, events, DELIVERED_POINTS);
    });
  }

  private void measure(RelayKind kind, MeasuredRelay relay, TestDatabase db, RelayResult result) {
    int drainEvents = profile.drainEvents();
    int capacity = 2 * drainEvents + profile.latencyEvents() + profile.withWriterMaxEvents() + 1;
    drainInFreshProcess(kind, relay, db, "relay", drainEvents, capacity, result, fresh -> {
      // 1. backlog drain
      result.drainEvents = drainEvents;
      result.drainPerSecond = fresh.drain().perSecond();
      result.drainSecondHalfPerSecond = fresh.drain().secondHalfPerSecond();
      result.cpuSecondsPer100k = fresh.drain().cpuSecondsPer100k();
      result.drainDelivered = fresh.timeline().deliveredOverTime(0, drainEvents, DELIVERED_POINTS);
      measureAfterTheDrain(kind, db, result, fresh);
    });
  }

  /** Phases 2 to 4 and the peak RSS, in the process of the first drain. */
  private void measureAfterTheDrain(RelayKind kind, TestDatabase db, RelayResult result, Fresh fresh) {
    RelayProcess process = fresh.process();
    EventConsumer consumer = fresh.consumer();
    Timeline timeline = fresh.timeline();
    int drainEvents = profile.drainEvents();

    // 2. warm backlog drain: the same process, stopped while the backlog is written
    long nextSeq = drainEvents;
    if (process.freeze()) {
      try {
        LoadWriter.backlog(db.dataSource(), kind.source(), nextSeq, drainEvents, BACKLOG_EVENTS_PER_TRANSACTION);
      } catch (RuntimeException e) {
        process.thaw();
        throw e;
      }
      if (!process.thaw()) {
        throw new BenchmarkException("relay " + kind.id() + ": its process could not be let go on after SIGSTOP");
      }
      Optional<Duration> cpuAtThaw = process.cpuTime();
      consumer.awaitDistinct(nextSeq + drainEvents, timeoutFor(drainEvents), process::checkAlive);
      Optional<Duration> cpuAtCaughtUp = process.cpuTime();
      long[] warmSpan = timeline.consumedSpan(nextSeq, nextSeq + drainEvents);
      result.warmDrainPerSecond = Timeline.rate(drainEvents - 1, warmSpan[0], warmSpan[1]);
      result.warmDrainDelivered = timeline.deliveredOverTime(nextSeq, nextSeq + drainEvents, DELIVERED_POINTS);
      if (cpuAtThaw.isPresent() && cpuAtCaughtUp.isPresent()) {
        double cpuSeconds = (cpuAtCaughtUp.get().toNanos() - cpuAtThaw.get().toNanos()) / 1e9;
        result.warmCpuSecondsPer100k = cpuSeconds * 100_000 / drainEvents;
      }
      nextSeq += drainEvents;
      log.info("relay {}: drained {} more events at {} events/s after its process was stopped meanwhile",
          kind.id(), drainEvents, Math.round(result.warmDrainPerSecond));
    } else {
      log.warn("relay {}: warm backlog drain skipped: its process cannot be stopped here (kill -STOP)", kind.id());
    }

    // 3. latency at each rate, one run after the other
    for (int rate : profile.latencyRates()) {
      Duration pacedDuration = profile.latencyWarmUp().plus(profile.latencyWindow());
      LoadWriter.Run paced = LoadWriter.paced(db.dataSource(), kind.source(), nextSeq, rate, pacedDuration,
          pacedWriterThreads(rate), pacedEventsPerTransaction(rate), timeline);
      consumer.awaitDistinct(paced.toSeq(), timeoutFor(paced.events()), process::checkAlive);
      long warmUpEvents = profile.latencyWarmUp().toMillis() * rate / 1000;
      RateRun run = RateRun.of(rate, paced.eventsPerSecond(),
          timeline.latencies(paced.fromSeq() + warmUpEvents, paced.toSeq()));
      result.rateRuns.add(run);
      if (rate == profile.referenceLatencyRate()) {
        result.latency = run.latency();
        result.latencyRateAchieved = run.writtenPerSecond();
      }
      nextSeq = paced.toSeq();
      log.info("relay {}: latency at {} events/s (written {}/s): p50 {} ms, p99 {} ms, max {} ms; {}", kind.id(),
          rate, Math.round(run.writtenPerSecond()), Format.millis(run.latency().p50Millis()),
          Format.millis(run.latency().p99Millis()), Format.millis(run.latency().maxMillis()), run.verdictText());
    }

    // 4. with the writer running flat out; the relay is stopped afterwards without catching up
    LoadWriter.Run load = LoadWriter.unthrottled(db.dataSource(), kind.source(), nextSeq, WRITER_THREADS,
        EVENTS_PER_TRANSACTION, profile.withWriterWindow(), profile.withWriterMaxEvents(), timeline);
    process.checkAlive();
    long within = timeline.consumedWithin(load.fromSeq(), load.toSeq(), load.startNanos(), load.endNanos());
    result.withWriterEvents = load.events();
    result.withWriterPerSecond = Timeline.rate(within, load.startNanos(), load.endNanos());
    result.writerPerSecond = load.eventsPerSecond();
    result.behindAtWindowEnd = load.events() - within;
    log.info("relay {}: {} events/s relayed while the writer wrote {} events/s", kind.id(),
        Math.round(result.withWriterPerSecond), Math.round(result.writerPerSecond));

    OptionalLong rss = process.peakRssBytes();
    if (rss.isPresent()) {
      result.peakRssMegabytes = rss.getAsLong() / (1024.0 * 1024.0);
    }
  }

  /**
   * Waits until the relay has delivered the backlog of events 0 to {@code events - 1} and measures its drain:
   * the rate from the first to the last consumption, the later half's rate, and the relay process's CPU time
   * from the first event consumed (so that start-up does not count), per 100k events.
   */
  private static Drain drain(EventConsumer consumer, RelayProcess process, Timeline timeline, int events) {
    consumer.awaitDistinct(1, timeoutFor(events), process::checkAlive);
    Optional<Duration> cpuAtStart = process.cpuTime();
    long consumedAtStart = consumer.distinct();
    consumer.awaitDistinct(events, timeoutFor(events), process::checkAlive);
    Optional<Duration> cpuAtEnd = process.cpuTime();
    long[] span = timeline.consumedSpan(0, events);
    Double cpuSecondsPer100k = null;
    if (cpuAtStart.isPresent() && cpuAtEnd.isPresent() && events > consumedAtStart) {
      double cpuSeconds = (cpuAtEnd.get().toNanos() - cpuAtStart.get().toNanos()) / 1e9;
      cpuSecondsPer100k = cpuSeconds * 100_000 / (events - consumedAtStart);
    }
    return new Drain(Timeline.rate(events - 1, span[0], span[1]), timeline.secondHalfRate(0, events),
        cpuSecondsPer100k);
  }

  private record Drain(double perSecond, double secondHalfPerSecond, @Nullable Double cpuSecondsPer100k) {
  }

  /**
   * Paced writer threads for {@code rate}: {@value #PACED_WRITER_THREADS} at up to 2,500 events/s, one more per
   * 625 events/s above that, at most {@value #MAX_PACED_WRITER_THREADS}; each commits a transaction at a time,
   * so a higher rate needs more connections to be offered at all.
   */
  static int pacedWriterThreads(int rate) {
    return Math.max(PACED_WRITER_THREADS, Math.min(MAX_PACED_WRITER_THREADS, rate / 625));
  }

  /**
   * Events per transaction of the latency run at {@code rate}: one up to {@value #SINGLE_EVENT_RATE} events/s,
   * above that as many as keep the transactions at or below {@value #SINGLE_EVENT_RATE} per second (two at
   * 10,000/s). On the 2-core machine the writers reach 6,500-8,000 single-event commits per second beside
   * PostgreSQL, the broker and the relay, so a higher rate could not be offered one event at a time.
   */
  static int pacedEventsPerTransaction(int rate) {
    return Math.max(1, (rate + SINGLE_EVENT_RATE - 1) / SINGLE_EVENT_RATE);
  }

  /** Generous: the slowest relay at a few hundred events per second on a busy machine, plus start-up. */
  private static Duration timeoutFor(long events) {
    return Duration.ofSeconds(120 + events / 200);
  }
}
