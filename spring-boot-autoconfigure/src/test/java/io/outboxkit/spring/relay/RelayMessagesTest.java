package io.outboxkit.spring.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayMessagesTest {

  @Test
  void theRelaysReasonsNameTheOutboxPropertiesInsteadOfItsBuilderMethods() {
    assertThat(RelayMessages.withPropertyNames("authentication failed for database user 'relay' on database orders"
        + ": check username(..) and password(..) (PSQLException: FATAL)"))
        .isEqualTo("authentication failed for database user 'relay' on database orders: check outbox.relay.username"
            + " and outbox.relay.password (PSQLException: FATAL)");
    assertThat(RelayMessages.withPropertyNames("stop it, or give this relay a slot of its own with"
        + " replicationSlot(..)")).endsWith("with outbox.replication-slot");
    assertThat(RelayMessages.withPropertyNames("set another deadLetterTopic(..) or topicPrefix(..)"))
        .isEqualTo("set another outbox.relay.dead-letter-topic or outbox.relay.topic-prefix");
    assertThat(RelayMessages.withPropertyNames("the stream stalled")).isEqualTo("the stream stalled");
  }
}
