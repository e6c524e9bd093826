package io.outboxkit.test;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension that injects {@link TestDatabase}, {@link TestKafka}, {@link OutboxTestInfrastructure},
 * {@link PostgresServer} and {@link KafkaServer} into test constructors, lifecycle methods and test methods.
 *
 * <p>Every {@link TestDatabase} parameter is a new database, dropped when the scope it was resolved in
 * ends (the test method, or the class for {@code @BeforeAll} and constructors of per-class tests).
 * Every {@link TestKafka} parameter hands out its own topic and group names. A test class with
 * {@code @OutboxIntegrationTest(embedded = true)} gets them from {@link OutboxTestInfrastructure#embedded()},
 * the others from {@link OutboxTestInfrastructure#shared()}.
 */
public final class OutboxTestExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OutboxTestExtension.class);
  private static final Set<Class<?>> SUPPORTED = Set.of(
      TestDatabase.class, TestKafka.class, OutboxTestInfrastructure.class, PostgresServer.class, KafkaServer.class);

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return SUPPORTED.contains(parameterContext.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    boolean embedded = needsEmbeddedServers(extensionContext.getRequiredTestClass());
    OutboxTestInfrastructure infrastructure;
    try {
      infrastructure = embedded ? OutboxTestInfrastructure.embedded() : OutboxTestInfrastructure.shared();
    } catch (RuntimeException e) {
      throw new ParameterResolutionException((embedded
          ? "the embedded PostgreSQL and Kafka that this test needs (@OutboxIntegrationTest(embedded = true)) "
          : "the test PostgreSQL and Kafka ") + "are not available: " + e.getMessage(), e);
    }
    Class<?> type = parameterContext.getParameter().getType();
    String hint = extensionContext.getTestMethod().map(m -> m.getName())
        .orElseGet(() -> extensionContext.getRequiredTestClass().getSimpleName());
    if (type == TestDatabase.class) {
      TestDatabase database = infrastructure.newDatabase(hint);
      extensionContext.getStore(NAMESPACE).put(database.name(), database);
      return database;
    }
    if (type == TestKafka.class) {
      return infrastructure.kafka(hint);
    }
    if (type == PostgresServer.class) {
      return infrastructure.postgres();
    }
    if (type == KafkaServer.class) {
      return infrastructure.kafka();
    }
    return infrastructure;
  }

  /**
   * Whether the test class asks for the embedded servers: the nearest {@link OutboxIntegrationTest} on it (directly,
   * inherited or as a meta-annotation), else on the class it is nested in, says so.
   */
  static boolean needsEmbeddedServers(Class<?> testClass) {
    for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
      Optional<OutboxIntegrationTest> annotation = AnnotationSupport.findAnnotation(type, OutboxIntegrationTest.class);
      if (annotation.isPresent()) {
        return annotation.get().embedded();
      }
    }
    return false;
  }
}
