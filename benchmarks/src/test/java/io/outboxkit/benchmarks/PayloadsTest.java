package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  @Test
  void everyPayloadHasExactlyTheAdvertisedSize() {
    for (long seq : new long[] {0, 7, 999, 123_456, 9_999_999_999L}) {
      assertThat(Payloads.json(seq, 1_720_000_000_000_000L).getBytes(StandardCharsets.UTF_8)).hasSize(Payloads.SIZE);
    }
  }

  @Test
  void theSequenceNumberIsReadBackFromCompactJson() {
    byte[] json = Payloads.json(4711, 1L).getBytes(StandardCharsets.UTF_8);
    assertThat(Payloads.seqOf(json)).isEqualTo(4711);
  }

  @Test
  void theSequenceNumberIsReadBackFromJsonAsPostgresqlRendersJsonb() {
    byte[] jsonb = "{\"pad\": \"abc\", \"seq\": 42, \"aggregateId\": \"order-42\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(Payloads.seqOf(jsonb)).isEqualTo(42);
  }

  @Test
  void aValueWithoutSequenceNumberIsRecognized() {
    assertThat(Payloads.seqOf("{\"other\": 1}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    assertThat(Payloads.seqOf("{\"seq\": \"x\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
  }

  @Test
  void eventsAreSpreadOverTheAggregates() {
    assertThat(Payloads.aggregateId(5)).isEqualTo("order-5");
    assertThat(Payloads.aggregateId(Payloads.AGGREGATES + 5L)).isEqualTo("order-5");
  }
}
