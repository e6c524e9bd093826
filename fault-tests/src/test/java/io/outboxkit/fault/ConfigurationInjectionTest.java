package io.outboxkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxSchema;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.writer.OutboxSchema;
import io.outboxkit.writer.OutboxWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Injection attempts in every name OutboxKit puts into SQL or into the relay's configuration (schema,
 * table, publication, slot, WAL-message prefix, topic names), through every builder that takes one: each is
 * refused when it is set, with an {@link OutboxConfigurationException} naming the setting, before anything
 * touches a database. The module tests check their own setters with a few values each (see
 * docs/reliability.md); this one runs the same list of attacks through all of them.
 */
class ConfigurationInjectionTest {

  /** Values an attacker (or a careless template) might slip into a name. */
  static List<String> attacks() {
    return List.of(
        "outbox_event\"; DROP TABLE order_row; --",
        "outbox_event'; DROP TABLE order_row; --",
        "x' OR '1'='1",
        "outbox_event; SELECT pg_sleep(10)",
        "\"quoted\"",
        "name/*comment*/",
        "name--comment",
        "a b",
        "tab\tname",
        "new\nline",
        "nul\u0000byte",
        "$$ LANGUAGE plpgsql $$",
        "name)",
        "${schema}",
        "x".repeat(300),
        "");
  }

  /** Every setter of a name, by the name its error message must carry. */
  static Map<String, Consumer<String>> setters() {
    DataSource dataSource = new PGSimpleDataSource();
    Map<String, Consumer<String>> setters = new LinkedHashMap<>();
    setters.put("OutboxWriter schema", v -> OutboxWriter.builder(dataSource).schema(v));
    setters.put("OutboxWriter table", v -> OutboxWriter.builder(dataSource).table(v));
    setters.put("walMessagePrefix", v -> OutboxWriter.builder(dataSource).walMessagePrefix(v));
    setters.put("OutboxSchema schema", v -> OutboxSchema.builder().schema(v));
    setters.put("OutboxSchema table", v -> OutboxSchema.builder().table(v));
    setters.put("OutboxSchema publication", v -> OutboxSchema.builder().publication(v));
    setters.put("OutboxSchema replicationSlot", v -> OutboxSchema.builder().replicationSlot(v));
    setters.put("schema", v -> OutboxRelay.builder().schema(v));
    setters.put("table", v -> OutboxRelay.builder().table(v));
    setters.put("relaySchema", v -> OutboxRelay.builder().relaySchema(v));
    setters.put("replicationSlot", v -> OutboxRelay.builder().replicationSlot(v));
    setters.put("publication", v -> OutboxRelay.builder().publication(v));
    setters.put("walMessagePrefix ", v -> OutboxRelay.builder().walMessagePrefix(v));
    setters.put("topicPrefix", v -> OutboxRelay.builder().topicPrefix(v));
    setters.put("deadLetterTopic", v -> OutboxRelay.builder().deadLetterTopic(v));
    setters.put("database host", v -> OutboxRelay.builder().database(v, 5432, "orders"));
    setters.put("inbox schema", v -> Inbox.builder(dataSource).schema(v));
    setters.put("inbox table", v -> Inbox.builder(dataSource).table(v));
    setters.put("InboxSchema schema", v -> InboxSchema.builder().schema(v));
    setters.put("InboxSchema table", v -> InboxSchema.builder().table(v));
    return setters;
  }

  /**
   * Values among the attacks that a setting legitimately accepts because it never reaches SQL text: WAL
   * message prefixes are bound as statement parameters and quoted in the relay's include list, topic names
   * and host names allow dashes, and a topic prefix may be empty.
   */
  static Set<String> legalFor(String setting) {
    return switch (setting) {
      case "walMessagePrefix", "walMessagePrefix ", "deadLetterTopic" -> Set.of("name--comment");
      case "topicPrefix" -> Set.of("name--comment", "");
      case "database host" -> Set.of("name--comment", "x".repeat(300));
      default -> Set.of();
    };
  }

  static List<String> setterNames() {
    return List.copyOf(setters().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("setterNames")
  void everyAttackIsRefusedWhenSetNamingTheSetting(String setting) {
    Consumer<String> setter = setters().get(setting);
    List<String> accepted = new ArrayList<>();
    for (String attack : attacks()) {
      if (legalFor(setting).contains(attack)) {
        continue;
      }
      try {
        setter.accept(attack);
        accepted.add(printable(attack));
      } catch (OutboxConfigurationException e) {
        assertThat(e.getMessage()).as("message for %s = %s", setting, printable(attack)).contains(setting.trim());
      }
    }
    assertThat(accepted).as("values %s accepted", setting).isEmpty();
  }

  private static String printable(String value) {
    String shown = value.replace("\n", "\\n").replace("\t", "\\t").replace("\u0000", "\\0");
    return "'" + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown) + "'";
  }
}
