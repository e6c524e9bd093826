package io.outboxkit.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * The configuration metadata that IDEs show for {@code outbox.*} (META-INF/spring-configuration-metadata.json,
 * written by the configuration processor from the properties records' javadoc) has an entry with a description
 * for every property of every {@code @ConfigurationProperties} record of this module, found by reflection: a new
 * property without a javadoc {@code @param} sentence fails here.
 */
class ConfigurationMetadataTest {

  private static final String METADATA = "META-INF/spring-configuration-metadata.json";

  @Test
  void everyOutboxPropertyIsInTheMetadataWithADescription() throws IOException {
    Map<String, String> expected = expectedProperties();
    assertThat(expected).as("properties of the @ConfigurationProperties records").isNotEmpty();
    Map<String, String> descriptions = metadataDescriptions();

    List<String> problems = new ArrayList<>();
    expected.forEach((property, component) -> {
      if (!descriptions.containsKey(property)) {
        problems.add(property + " (" + component + ") is missing from " + METADATA);
      } else if (descriptions.get(property).isBlank()) {
        problems.add(property + " (" + component + ") has no description: write an @param sentence for it");
      }
    });
    descriptions.keySet().stream()
        .filter(property -> property.startsWith("outbox.") && !expected.containsKey(property))
        .forEach(property -> problems.add(property + " is in " + METADATA + " but no record component binds it"));
    assertThat(problems).as("configuration metadata of outbox.*").isEmpty();
  }

  /** Property name to the record component that binds it, for every leaf property under outbox.*. */
  private static Map<String, String> expectedProperties() {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    Map<String, String> properties = new TreeMap<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents("io.outboxkit")) {
      Class<?> type = load(candidate.getBeanClassName());
      ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
      String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
      assertThat(prefix).as("prefix of %s", type.getName()).startsWith("outbox");
      collect(prefix, type, properties);
    }
    return properties;
  }

  private static void collect(String prefix, Class<?> type, Map<String, String> properties) {
    assertThat(type.isRecord())
        .as("%s: properties types are immutable records (extend this test for another kind)", type.getName())
        .isTrue();
    for (RecordComponent component : type.getRecordComponents()) {
      String name = prefix + "." + kebabCase(component.getName());
      Class<?> componentType = component.getType();
      if (componentType.isRecord() && componentType.getName().startsWith("io.outboxkit.")) {
        collect(name, componentType, properties);
      } else {
        properties.put(name, type.getSimpleName() + "." + component.getName());
      }
    }
  }

  /** Property name to its description ("" when it has none), from this module's metadata file. */
  private static Map<String, String> metadataDescriptions() throws IOException {
    URL location = OutboxProperties.class.getProtectionDomain().getCodeSource().getLocation();
    URL metadata = Collections.list(OutboxProperties.class.getClassLoader().getResources(METADATA)).stream()
        .filter(url -> url.toString().startsWith(location.toString())
            || url.toString().startsWith("jar:" + location))
        .findFirst()
        .orElse(null);
    assertThat(metadata)
        .as("%s beside %s: the configuration processor did not run", METADATA, location)
        .isNotNull();
    JsonNode root;
    try (InputStream in = metadata.openStream()) {
      root = new ObjectMapper().readTree(in);
    }
    Map<String, String> descriptions = new TreeMap<>();
    for (JsonNode property : root.path("properties")) {
      descriptions.put(property.path("name").asText(), property.path("description").asText(""));
    }
    return descriptions;
  }

  private static String kebabCase(String camelCase) {
    return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
