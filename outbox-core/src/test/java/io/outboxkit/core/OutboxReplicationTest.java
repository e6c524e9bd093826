package io.outboxkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxReplicationTest {

  @Test
  void acceptsLowerCaseLettersDigitsAndUnderscoresUpTo63() {
    assertThat(OutboxReplication.requireName("outbox.publication", "shop_outbox_2")).isEqualTo("shop_outbox_2");
    assertThat(OutboxReplication.requireName("outbox.publication", "x".repeat(63))).hasSize(63);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"My_Pub", "shop-outbox", "shop outbox", "shop.outbox", "slot'); --"})
  void refusesOtherNamesNamingTheSettingAndTheRule(String name) {
    assertThatThrownBy(() -> OutboxReplication.requireName("outbox.publication", name))
        .isInstanceOf(OutboxConfigurationException.class)
        .hasMessage("outbox.publication '" + name + "' is not accepted: use 1-63 lower-case letters, digits and "
            + "underscores");
  }

  @Test
  void refusesNamesLongerThan63() {
    assertThatThrownBy(() -> OutboxReplication.requireName("outbox.replication-slot", "x".repeat(64)))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("outbox.replication-slot");
  }
}
