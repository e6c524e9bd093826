package io.outboxkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outboxkit.core.internal.SqlResources;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SchemaScriptsTest {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

  @Test
  void eachScriptUsesTheDocumentedPlaceholdersOnly() {
    assertThat(placeholders(SchemaScripts.OUTBOX_TABLE_V1)).containsExactly(SchemaScripts.OUTBOX_TABLE);
    assertThat(placeholders(SchemaScripts.RELAY_TABLES_V1)).containsExactly(SchemaScripts.RELAY_SCHEMA);
    assertThat(placeholders(SchemaScripts.PUBLICATION_V1))
        .containsExactly(SchemaScripts.OUTBOX_TABLE, SchemaScripts.PUBLICATION, SchemaScripts.RELAY_SCHEMA);
    assertThat(placeholders(SchemaScripts.REPLICATION_SLOT_V1)).containsExactly(SchemaScripts.SLOT);
  }

  @Test
  void theSetIsInFlywaysOrderAndTheSlotScriptRunsOutsideATransaction() {
    assertThat(SchemaScripts.V1).isSortedAccordingTo(String::compareTo)
        .allSatisfy(path -> assertThat(path).startsWith(SchemaScripts.LOCATION_V1 + "/V1_"));
    assertThat(SqlResources.read(SchemaScripts.class, SchemaScripts.REPLICATION_SLOT_V1 + ".conf").strip())
        .isEqualTo("executeInTransaction=false");
  }

  @Test
  void placeholderValuesAreQuotedNames() {
    Map<String, String> values = SchemaScripts.placeholders(TableName.of("schema", "Shop", "table", "events"),
        SqlIdentifier.of("relaySchema", "relay"), "shop_pub", "shop_slot");

    assertThat(values).containsOnly(Map.entry("outbox_table", "\"Shop\".\"events\""),
        Map.entry("relay_schema", "\"relay\""), Map.entry("publication", "shop_pub"),
        Map.entry("slot", "shop_slot"));
    assertThat(SchemaScripts.placeholders(null, SqlIdentifier.of("relaySchema", "public"), "p", "s"))
        .containsEntry("outbox_table", "");
    for (String script : SchemaScripts.V1) {
      assertThat(SqlResources.read(SchemaScripts.class, script, values)).doesNotContain("${");
    }
  }

  @Test
  void publicationAndSlotNamesFollowTheRelaysRule() {
    assertThatThrownBy(() -> SchemaScripts.placeholders(null, SqlIdentifier.of("relaySchema", "public"), "Pub", "s"))
        .isInstanceOf(OutboxConfigurationException.class).hasMessageContaining("publication 'Pub' is not accepted");
  }

  private static Set<String> placeholders(String script) {
    Matcher matcher = PLACEHOLDER.matcher(SqlResources.read(SchemaScripts.class, script));
    Set<String> names = new TreeSet<>();
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
