package io.outboxkit.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The server's second mode: the Kafka Connect configuration from the same outbox.* settings, nothing run. */
class ConnectConfigModeTest {

  /** Nothing listens there: the mode must not connect. */
  private static final String[] SETTINGS = {
      "--outbox.relay.jdbc-url=jdbc:postgresql://db.invalid:5432/orders",
      "--outbox.relay.username=relay",
      "--outbox.relay.password=s3cret-pw",
      "--outbox.relay.bootstrap-servers=kafka.invalid:9092",
      "--outbox.replication-slot=orders_slot",
      "--outbox.relay.topic-prefix=shop."};

  @Test
  void jsonForTheRestApiFromTheSameSettingsWithThePasswordAsAReference() throws Exception {
    String json = ConnectConfigMode.render(with(SETTINGS, "--connect-config"));

    JsonNode config = new ObjectMapper().readTree(json).get("config");
    assertThat(config.get("slot.name").asText()).isEqualTo("orders_slot");
    assertThat(config.get("database.hostname").asText()).isEqualTo("db.invalid");
    assertThat(config.get("database.dbname").asText()).isEqualTo("orders");
    assertThat(config.get("transforms.outbox.route.topic.replacement").asText()).isEqualTo("shop.${routedByValue}");
    assertThat(config.get("database.password").asText()).isEqualTo("${env:OUTBOX_RELAY_PASSWORD}");
    assertThat(json).doesNotContain("s3cret-pw");
  }

  @Test
  void propertiesForAStandaloneWorkerWithAChosenReference() throws Exception {
    String text = ConnectConfigMode.render(with(SETTINGS, "--connect-config=properties",
        "--connect-password-reference=${file:/opt/secrets/db.properties:password}"));

    Properties properties = new Properties();
    properties.load(new StringReader(text));
    assertThat(properties.getProperty("name")).isEqualTo("outboxkit-orders_slot");
    assertThat(properties.getProperty("database.password")).isEqualTo("${file:/opt/secrets/db.properties:password}");
    assertThat(text).doesNotContain("s3cret-pw");
  }

  @Test
  void settingsConnectCannotReproduceAndUnknownFormatsAreRefused() {
    assertThatThrownBy(() -> ConnectConfigMode.render(with(SETTINGS, "--connect-config", "--outbox.mode=wal-message")))
        .hasMessageContaining("table mode");
    assertThatThrownBy(() -> ConnectConfigMode.render(with(SETTINGS, "--connect-config=yaml")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("json (the default) or properties");
    assertThat(ConnectConfigMode.requested(new String[] {"--outbox.relay.username=relay"})).isFalse();
  }

  private static String[] with(String[] settings, String... more) {
    String[] all = new String[settings.length + more.length];
    System.arraycopy(settings, 0, all, 0, settings.length);
    System.arraycopy(more, 0, all, settings.length, more.length);
    return all;
  }
}
