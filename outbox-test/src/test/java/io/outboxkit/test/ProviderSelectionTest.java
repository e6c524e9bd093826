package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProviderSelectionTest {

  private final Map<String, String> env = new HashMap<>();
  private final Map<String, String> props = new HashMap<>();
  private final AtomicInteger dockerQuestions = new AtomicInteger();

  private ProviderSelection.Decision select(boolean docker) {
    return ProviderSelection.select(env::get, props::get, () -> {
      dockerQuestions.incrementAndGet();
      return docker;
    });
  }

  @Test
  void prefersExternalServersWhenBothAreNamed() {
    env.put("OUTBOX_TEST_JDBC_URL", "jdbc:postgresql://db:5432/postgres");
    env.put("OUTBOX_TEST_KAFKA_BOOTSTRAP", "kafka:9092");
    assertThat(select(true).provider()).isEqualTo(Provider.EXTERNAL);
    assertThat(dockerQuestions).hasValue(0);
  }

  @Test
  void usesTestcontainersWhenDockerIsReachableAndNoServersAreNamed() {
    ProviderSelection.Decision decision = select(true);
    assertThat(decision.provider()).isEqualTo(Provider.TESTCONTAINERS);
    assertThat(decision.reason()).contains("Docker");
  }

  @Test
  void fallsBackToEmbeddedWithoutDocker() {
    ProviderSelection.Decision decision = select(false);
    assertThat(decision.provider()).isEqualTo(Provider.EMBEDDED);
    assertThat(decision.reason()).contains("no Docker engine");
  }

  @Test
  void halfConfiguredExternalServersAreAnErrorNamingTheMissingVariable() {
    env.put("OUTBOX_TEST_JDBC_URL", "jdbc:postgresql://db:5432/postgres");
    assertThatThrownBy(() -> select(false))
        .isInstanceOf(TestInfrastructureException.class)
        .hasMessageContaining("OUTBOX_TEST_KAFKA_BOOTSTRAP is not set");
  }

  @Test
  void systemPropertyForcesAProviderOverEverythingElse() {
    env.put("OUTBOX_TEST_JDBC_URL", "jdbc:postgresql://db:5432/postgres");
    env.put("OUTBOX_TEST_KAFKA_BOOTSTRAP", "kafka:9092");
    env.put("OUTBOX_TEST_PROVIDER", "testcontainers");
    props.put("outbox.test.provider", "Embedded");
    ProviderSelection.Decision decision = select(true);
    assertThat(decision.provider()).isEqualTo(Provider.EMBEDDED);
    assertThat(decision.reason()).isEqualTo("forced by outbox.test.provider=Embedded");
  }

  @Test
  void environmentVariableForcesAProviderWhenThePropertyIsBlank() {
    props.put("outbox.test.provider", " ");
    env.put("OUTBOX_TEST_PROVIDER", "embedded");
    assertThat(select(true).provider()).isEqualTo(Provider.EMBEDDED);
  }

  @Test
  void forcingTestcontainersWithoutDockerFailsSayingWhy() {
    props.put("outbox.test.provider", "testcontainers");
    assertThatThrownBy(() -> select(false))
        .isInstanceOf(TestInfrastructureException.class)
        .hasMessageContaining("no Docker engine is reachable")
        .hasMessageContaining("outbox.test.provider=embedded");
  }

  @Test
  void forcingExternalWithoutServersFailsNamingBothVariables() {
    props.put("outbox.test.provider", "external");
    assertThatThrownBy(() -> select(false))
        .isInstanceOf(TestInfrastructureException.class)
        .hasMessageContaining("OUTBOX_TEST_JDBC_URL and OUTBOX_TEST_KAFKA_BOOTSTRAP are not set");
  }

  @Test
  void testsThatNeedTheEmbeddedServersGetASecondEmbeddedSetWhenDockerIsReachable() {
    ProviderSelection.Decision shared = select(true);
    assertThat(shared.provider()).isEqualTo(Provider.TESTCONTAINERS);
    ProviderSelection.Decision forEmbedded = ProviderSelection.forEmbeddedServers(shared);
    assertThat(forEmbedded.provider()).isEqualTo(Provider.EMBEDDED);
    assertThat(forEmbedded).isNotEqualTo(shared);
    assertThat(forEmbedded.reason()).contains("stop, kill or restart")
        .contains("the other tests use the testcontainers provider (a Docker engine is reachable)");
  }

  @Test
  void testsThatNeedTheEmbeddedServersGetThemBesideExternalServersAndForcedProviders() {
    env.put("OUTBOX_TEST_JDBC_URL", "jdbc:postgresql://db:5432/postgres");
    env.put("OUTBOX_TEST_KAFKA_BOOTSTRAP", "kafka:9092");
    ProviderSelection.Decision external = select(true);
    assertThat(external.provider()).isEqualTo(Provider.EXTERNAL);
    assertThat(ProviderSelection.forEmbeddedServers(external).provider()).isEqualTo(Provider.EMBEDDED);
    assertThat(ProviderSelection.forEmbeddedServers(external).reason()).contains("external provider");

    props.put("outbox.test.provider", "testcontainers");
    ProviderSelection.Decision forced = select(true);
    assertThat(forced.provider()).isEqualTo(Provider.TESTCONTAINERS);
    assertThat(ProviderSelection.forEmbeddedServers(forced).provider()).isEqualTo(Provider.EMBEDDED);
  }

  @Test
  void testsThatNeedTheEmbeddedServersShareThemWhenTheyAreTheProvider() {
    ProviderSelection.Decision withoutDocker = select(false);
    assertThat(ProviderSelection.forEmbeddedServers(withoutDocker)).isSameAs(withoutDocker);
    props.put("outbox.test.provider", "embedded");
    ProviderSelection.Decision forced = select(true);
    assertThat(ProviderSelection.forEmbeddedServers(forced)).isSameAs(forced);
  }

  @Test
  void unknownProviderNamesTheSettingAndTheChoices() {
    props.put("outbox.test.provider", "docker");
    assertThatThrownBy(() -> select(true))
        .isInstanceOf(TestInfrastructureException.class)
        .hasMessageContaining("outbox.test.provider has the value 'docker'")
        .hasMessageContaining("external, testcontainers or embedded");
  }
}
