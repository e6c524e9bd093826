package io.outboxkit.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that uses the shared test PostgreSQL and Kafka: its constructors, lifecycle methods
 * and test methods may declare {@link TestDatabase}, {@link TestKafka}, {@link OutboxTestInfrastructure},
 * {@link PostgresServer} and {@link KafkaServer} parameters.
 *
 * <p>A test class that stops, kills or restarts the servers, or uses the broker's SASL listener, declares
 * {@code @OutboxIntegrationTest(embedded = true)}: all its parameters then come from
 * {@link OutboxTestInfrastructure#embedded()}, so it runs whichever provider the other tests use.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(OutboxTestExtension.class)
public @interface OutboxIntegrationTest {

  /**
   * Whether the test needs the embedded servers: {@link PostgresServer} and {@link KafkaServer} that can be
   * stopped, killed and restarted on the same ports with the same data, and a broker with a SASL listener. With
   * the external or Testcontainers provider, such a test gets a second, embedded PostgreSQL and Kafka broker of
   * its own (started once per JVM) instead of being skipped; with the embedded provider it shares the servers of
   * the other tests. Default {@code false}: the servers of the chosen provider.
   */
  boolean embedded() default false;
}
