package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * What one scenario observed, comparing what PostgreSQL committed with what reached Kafka and what the
 * consumers applied. {@link #line()} is the one line printed per scenario, in a fixed format:
 *
 * <pre>
 * FAULT-SCENARIO name=&lt;scenario&gt; profile=&lt;short|long&gt; faults=N committed=N rolled-back=N kafka-records=N
 *   duplicates=N applied=N lost=N applied-twice=N phantom=N out-of-order=N dead-lettered=N recovery-ms=N took-s=N
 *   detail="..."
 * </pre>
 * (on one line). {@code committed}: events whose transaction committed (business rows, plus events a
 * scenario inserted by hand); {@code rolled-back}: events of rolled-back transactions; {@code
 * kafka-records}: records on the event topic, duplicates included; {@code duplicates}: records beyond the
 * first of each event id; {@code applied}: committed events the consumers applied; {@code lost}: committed
 * events neither applied nor dead-lettered (must be 0); {@code applied-twice}: events with more than one
 * effect (must be 0); {@code phantom}: effects or records of events that never committed (must be 0);
 * {@code out-of-order}: effects of an order applied after a later event of the same order (must be 0);
 * {@code dead-lettered}: committed events on a dead-letter topic (the relay's or the consumers'); {@code
 * recovery-ms}: the longest time, over the scenario's faults, from the end of a fault (the failed part back,
 * or killed for good) until every event committed before the fault was applied; {@code took-s}: the
 * scenario's wall time.
 */
record Reconciliation(String name, String profile, int faults, long committed, long rolledBack, long kafkaRecords,
    long duplicates, long applied, long lost, long appliedTwice, long phantom, long outOfOrder, long deadLettered,
    long recoveryMillis, long tookSeconds, String detail, List<String> lostSample) {

  static final Path RESULTS = Path.of("target", "fault-results.txt");

  String line() {
    return String.format(Locale.ROOT, "FAULT-SCENARIO name=%s profile=%s faults=%d committed=%d rolled-back=%d "
            + "kafka-records=%d duplicates=%d applied=%d lost=%d applied-twice=%d phantom=%d out-of-order=%d "
            + "dead-lettered=%d recovery-ms=%d took-s=%d detail=\"%s\"", name, profile, faults, committed, rolledBack,
        kafkaRecords, duplicates, applied, lost, appliedTwice, phantom, outOfOrder, deadLettered, recoveryMillis,
        tookSeconds, detail);
  }

  /** Prints the line and appends it to {@code target/fault-results.txt}. */
  Reconciliation print() {
    System.out.println(line());
    try {
      Files.createDirectories(RESULTS.getParent());
      Files.writeString(RESULTS, line() + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Nothing lost, nothing applied twice, nothing that never committed, order kept per order. */
  void assertNothingLostOrDuplicated() {
    assertThat(lost).as("%s: committed events neither applied nor dead-lettered, e.g. %s", name, lostSample).isZero();
    assertThat(appliedTwice).as("%s: events applied twice", name).isZero();
    assertThat(phantom).as("%s: effects or records of events that never committed", name).isZero();
    assertThat(outOfOrder).as("%s: effects applied out of commit order", name).isZero();
    assertThat(applied + deadLettered).as("%s: committed events accounted for", name).isEqualTo(committed);
  }
}
