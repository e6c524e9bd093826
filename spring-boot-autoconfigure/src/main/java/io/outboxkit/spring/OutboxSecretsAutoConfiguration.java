package io.outboxkit.spring;

import io.outboxkit.core.internal.Secrets;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Keeps OutboxKit's secrets out of the actuator's {@code configprops} and {@code env} endpoints even when an
 * application shows their values ({@code management.endpoint.configprops.show-values=always}): every
 * {@code outbox.*} property that OutboxKit's rule takes for a secret ({@code outbox.relay.password},
 * {@code outbox.relay.producer-properties[sasl.jaas.config]}, ...) is shown as Spring Boot's sanitized value.
 */
@AutoConfiguration
@ConditionalOnClass(SanitizingFunction.class)
public class OutboxSecretsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "outboxSecretsSanitizer")
  SanitizingFunction outboxSecretsSanitizer() {
    return OutboxSecretsAutoConfiguration::sanitize;
  }

  static SanitizableData sanitize(SanitizableData data) {
    String key = data.getKey();
    return key != null && key.startsWith("outbox.") && isSecret(key) ? data.withSanitizedValue() : data;
  }

  /**
   * OutboxKit's rule for secret settings over the whole property name, so that a secret inside a map
   * ({@code outbox.relay.producer-properties.sasl.jaas.config}) is found as well as a named one.
   */
  static boolean isSecret(String key) {
    return Secrets.isSecret(key);
  }
}
