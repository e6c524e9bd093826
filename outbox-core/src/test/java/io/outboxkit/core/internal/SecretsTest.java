package io.outboxkit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

  @ParameterizedTest
  @ValueSource(strings = {"password", "database.password", "database.sslpassword", "sslpassword", "PGPASSWORD",
      "sasl.jaas.config", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
      "ssl.keystore.key", "sslkey", "apiKey", "sasl.oauthbearer.client.credentials.client.secret",
      "schema.registry.basic.auth.user.info", "basic.auth.user.info", "access_token", "db-passwd",
      "outboxkit.offset.jdbc.password", "producerProperties.sasl.jaas.config"})
  void secretNamesAreSecrets(String name) {
    assertThat(Secrets.isSecret(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootstrap.servers", "security.protocol", "sasl.mechanism", "ssl.keystore.location",
      "ssl.keystore.type", "ssl.truststore.location", "key.serializer", "message.key.columns", "sslmode",
      "sslrootcert", "username", "user", "max.batch.size", "linger.ms", "jdbcUrl", "slotName"})
  void otherNamesAreNot(String name) {
    assertThat(Secrets.isSecret(name)).isFalse();
    assertThat(Secrets.isSecret(null)).isFalse();
  }

  @Test
  void theRegexGivenToDebeziumIsTheSameRule() {
    Pattern debezium = Pattern.compile(Secrets.NAME_REGEX);
    for (String name : new String[] {"database.sslpassword", "ssl.keystore.key", "sasl.jaas.config"}) {
      assertThat(debezium.matcher(name).matches()).as(name).isTrue();
    }
    // every name Debezium masks by default is a secret by this rule too
    for (String name : new String[] {"x.secret", "x.password", "x.sasl.jaas.config", "x.basic.auth.user.info",
        "x.registry.auth.client-secret"}) {
      assertThat(Secrets.isSecret(name)).as(name).isTrue();
    }
  }

  @Test
  void maskedKeepsTheOrderAndTheOtherValues() {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("security.protocol", "SASL_SSL");
    settings.put("sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"p4ss\";");
    settings.put("linger.ms", 5);
    assertThat(Secrets.masked(settings)).containsExactly(Map.entry("security.protocol", "SASL_SSL"),
        Map.entry("sasl.jaas.config", Secrets.MASK), Map.entry("linger.ms", 5));
    assertThat(Secrets.shown("ssl.key.password", "p4ss")).isEqualTo("******");
    assertThat(Secrets.shown("linger.ms", 5)).isEqualTo("5");
  }

  @Test
  void maskedUrlHidesSecretParametersAndUserInformation() {
    assertThat(Secrets.maskedUrl("jdbc:postgresql://db:5432/orders?sslmode=require&password=p4ss&sslpassword=k3y"))
        .isEqualTo("jdbc:postgresql://db:5432/orders?sslmode=require&password=******&sslpassword=******");
    assertThat(Secrets.maskedUrl("jdbc:postgresql://relay:p4ss@db:5432/orders"))
        .isEqualTo("jdbc:postgresql://******@db:5432/orders");
    assertThat(Secrets.maskedUrl("postgres://relay:p4ss@db,db2/orders?user=relay"))
        .isEqualTo("postgres://******@db,db2/orders?user=relay");
    assertThat(Secrets.maskedUrl("jdbc:postgresql://db/orders")).isEqualTo("jdbc:postgresql://db/orders");
    // a mistyped separator leaves the parameters in the database name, which a message may show
    assertThat(Secrets.maskedUrl("orders&password=p4ss;sslkey=k&x=1")).isEqualTo("orders&password=******;sslkey=******&x=1");
    assertThat(Secrets.maskedUrl("no url at all: p=1")).isEqualTo("no url at all: p=1");
    assertThat(Secrets.maskedUrl(null)).isNull();
  }
}
