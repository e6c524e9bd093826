package io.outboxkit.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which LSN of a stored Debezium offset the relay holds against the slot's confirmed position. */
class StoredPositionTest {

  @Test
  void theCommitPositionIsWhatDebeziumConfirmsToTheSlot() {
    assertThat(StoredPosition.confirmable("{\"transaction_id\":null,\"lsn_proc\":300,\"messageType\":\"INSERT\","
        + "\"lsn_commit\":200,\"lsn\":300,\"txId\":7,\"ts_usec\":1}")).isEqualTo(200L);
  }

  @Test
  void withoutACommitPositionTheProcessedPositionCounts() {
    assertThat(StoredPosition.confirmable("{\"lsn_proc\":300,\"lsn\":310,\"nested\":{\"lsn_commit\":1}}"))
        .isEqualTo(300L);
  }

  @Test
  void anOffsetWithoutEitherOrNotAnObjectHasNoPosition() {
    assertThat(StoredPosition.confirmable("{\"lsn\":310,\"snapshot\":true}")).isNull();
    assertThat(StoredPosition.confirmable("{\"lsn_commit\":null}")).isNull();
    assertThat(StoredPosition.confirmable("[1,2]")).isNull();
    assertThat(StoredPosition.confirmable("not json")).isNull();
    assertThat(StoredPosition.confirmable(null)).isNull();
  }
}
