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
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(OutboxTestExtension.class)
public @interface OutboxIntegrationTest {
}
