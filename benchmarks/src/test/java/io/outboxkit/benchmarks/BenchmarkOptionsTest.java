package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

  @Test
  void defaultsToTheQuickProfileAndEveryPart() {
    BenchmarkOptions options = BenchmarkOptions.parse();
    assertThat(options.profile()).isEqualTo(Profile.QUICK);
    assertThat(options.parts()).isEqualTo(EnumSet.allOf(BenchmarkOptions.Part.class));
    assertThat(options.resultsDirectory()).isNull();
    assertThat(options.relayJvmOptions()).isEqualTo(RelayProcess.DEFAULT_JVM_OPTIONS);
    assertThat(options.writerEventsPerTransaction()).isEqualTo(100);
  }

  @Test
  void relayJvmOptionsAreSplitAtSpaces() {
    assertThat(BenchmarkOptions.parse("--relay-jvm-options", "-Xmx256m  -XX:+UseSerialGC").relayJvmOptions())
        .containsExactly("-Xmx256m", "-XX:+UseSerialGC");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--relay-jvm-options", "Xmx256m"))
        .hasMessageContaining("each starting with '-'");
  }

  @Test
  void choosesProfilePartsAndRelays() {
    BenchmarkOptions options = BenchmarkOptions.parse("--profile", "full", "--only", "relay,writer",
        "--relays", "polling,debezium-defaults", "--drain-events", "5000");
    assertThat(options.profile().name()).isEqualTo("full");
    assertThat(options.parts()).containsExactly(BenchmarkOptions.Part.RELAY, BenchmarkOptions.Part.WRITER);
    assertThat(options.profile().relays()).containsExactly(RelayKind.POLLING, RelayKind.DEBEZIUM_DEFAULTS);
    assertThat(options.profile().drainEvents()).isEqualTo(5000);
    assertThat(options.profile().longDrainEvents()).as("the full profile's long drain").isEqualTo(1_000_000);
    assertThat(options.profile().latencyWindow()).isEqualTo(Profile.FULL.latencyWindow());
  }

  @Test
  void theLongDrainIsSetOrLeftOutOnTheCommandLine() {
    assertThat(BenchmarkOptions.parse("--profile", "quick").profile().longDrainEvents()).isZero();
    assertThat(BenchmarkOptions.parse("--profile", "smoke", "--long-drain-events", "200000").profile()
        .longDrainEvents()).isEqualTo(200_000);
    assertThat(BenchmarkOptions.parse("--profile", "full", "--long-drain-events", "0").profile().longDrainEvents())
        .isZero();
    assertThatThrownBy(() -> BenchmarkOptions.parse("--long-drain-events", "-1"))
        .hasMessageContaining("--long-drain-events");
  }

  @Test
  void theSagaPartRunsAloneWithItsOwnCount() {
    BenchmarkOptions options = BenchmarkOptions.parse("--only", "saga", "--sagas", "800");
    assertThat(options.parts()).containsExactly(BenchmarkOptions.Part.SAGA);
    assertThat(options.profile().sagaSagas()).isEqualTo(800);
    assertThat(options.profile().sagaLatencyRate()).isEqualTo(100);
    assertThat(BenchmarkOptions.parse().profile().sagaSagas()).isEqualTo(Profile.QUICK.sagaSagas());
    assertThatThrownBy(() -> BenchmarkOptions.parse("--sagas", "5")).hasMessageContaining("--sagas must be");
  }

  @Test
  void badArgumentsNameWhatIsWrong() {
    assertThatThrownBy(() -> BenchmarkOptions.parse("--profile", "huge"))
        .hasMessageContaining("unknown profile 'huge'");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--only", "relays")).hasMessageContaining("unknown part 'relays'");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--relays", "kafka-connect"))
        .hasMessageContaining("unknown relay 'kafka-connect'").hasMessageContaining("outboxkit-table");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--relays", "polling,polling"))
        .hasMessageContaining("--relays lists polling twice");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--profile")).hasMessageContaining("--profile needs a value");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--drain-events", "lots")).hasMessageContaining("whole number");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--writer-events", "101"))
        .hasMessageContaining("--writer-events must be 1-100");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--fast")).hasMessageContaining("unknown argument '--fast'");
  }

  @Test
  void latencyRatesDefaultToThreeAndCanBeChosen() {
    assertThat(BenchmarkOptions.parse().profile().latencyRates()).containsExactly(1_000, 5_000, 10_000);
    BenchmarkOptions options = BenchmarkOptions.parse("--latency-rates", "2000, 500");
    assertThat(options.profile().latencyRates()).containsExactly(2_000, 500);
    assertThat(options.profile().referenceLatencyRate()).isEqualTo(2_000);
    assertThat(options.profile().latencyEvents()).as("12 s per rate in the quick profile").isEqualTo(30_000);
    assertThatThrownBy(() -> BenchmarkOptions.parse("--latency-rates", "1000,1000"))
        .hasMessageContaining("--latency-rates lists 1000 twice");
    assertThatThrownBy(() -> BenchmarkOptions.parse("--latency-rates", "fast"))
        .hasMessageContaining("--latency-rates needs a whole number, got 'fast'");
  }
}
