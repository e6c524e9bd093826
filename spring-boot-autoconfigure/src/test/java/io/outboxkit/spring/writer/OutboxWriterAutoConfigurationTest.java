package io.outboxkit.spring.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.core.ServerUnavailableException;
import io.outboxkit.core.WriteMode;
import io.outboxkit.spring.OutboxProperties;
import io.outboxkit.spring.StartupFailures;
import io.outboxkit.writer.OutboxWriter;
import io.outboxkit.writer.PayloadSerializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class OutboxWriterAutoConfigurationTest {

  /** A DataSource that cannot be connected to (nothing listens on port 1). */
  private static final DataSource UNUSED_DATABASE = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");

  private final ApplicationContextRunner withStartupCheck = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(OutboxWriterAutoConfiguration.class))
      .withBean(DataSource.class, () -> UNUSED_DATABASE);

  /** Without the start-up check, building the writer does not touch the database. */
  private final ApplicationContextRunner runner =
      withStartupCheck.withPropertyValues("outbox.writer.verify-schema=false");

  @Test
  void createsTheWriterOnTheApplicationsDataSource() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(OutboxWriter.class).hasSingleBean(PayloadSerializer.class)
          .doesNotHaveBean(OutboxSchemaInitializer.class);
      OutboxProperties outbox = context.getBean(OutboxProperties.class);
      assertThat(outbox.table().tableName().plain()).isEqualTo("public.outbox_event");
      assertThat(outbox.mode()).isEqualTo(WriteMode.TABLE);
      assertThat(context.getBean(OutboxWriterProperties.class).maxPayloadSize().toBytes()).isEqualTo(1_048_576);
    });
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void outboxTracingEnabledFalseTurnsTheWritersTraceContextOff(CapturedOutput output) {
    runner.withPropertyValues("outbox.tracing.enabled=false").run(context -> {
      assertThat(context).hasSingleBean(OutboxWriter.class);
      assertThat(output.getAll()).contains("trace context off").doesNotContain("trace context from OpenTelemetry");
    });
    runner.run(context -> assertThat(output.getAll()).contains("trace context from OpenTelemetry"));
  }

  @Test
  void bindsTheSharedOutboxProperties() {
    runner.withPropertyValues("outbox.table.schema=orders", "outbox.table.name=order_events",
            "outbox.mode=wal-message", "outbox.wal-message-prefix=orders.v1", "outbox.writer.max-payload-size=256KB")
        .run(context -> {
          assertThat(context).hasSingleBean(OutboxWriter.class);
          OutboxProperties outbox = context.getBean(OutboxProperties.class);
          assertThat(outbox.table().tableName().qualified()).isEqualTo("\"orders\".\"order_events\"");
          assertThat(outbox.mode()).isEqualTo(WriteMode.WAL_MESSAGE);
          assertThat(outbox.walMessagePrefix()).isEqualTo("orders.v1");
        });
  }

  @Test
  void theStartupCheckIsOnByDefaultAndReportsAnUnreachableDatabaseAsSuch() {
    withStartupCheck.run(context -> {
      assertThat(context).hasFailed();
      assertThat(Stream.iterate(context.getStartupFailure(), Objects::nonNull, Throwable::getCause))
          .anyMatch(ServerUnavailableException.class::isInstance);
      assertThat(StartupFailures.messages(context.getStartupFailure()))
          .contains("cannot connect to the application's database to check that the outbox table "
              + "public.outbox_event exists")
          .contains("127.0.0.1:1") // the driver's reason
          .contains("spring.datasource.url").contains("set outbox.writer.verify-schema=false")
          .doesNotContain("does not exist");
    });
    withStartupCheck.withPropertyValues("outbox.mode=wal-message").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("cannot connect to the application's database to check that the replication slot "
                + "'outboxkit' exists"));
  }

  @Test
  void anInvalidSlotNameFailsTheCheckNamingTheProperty() {
    withStartupCheck.withPropertyValues("outbox.mode=wal-message", "outbox.replication-slot=Orders")
        .run(context -> assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.replication-slot 'Orders' is not accepted: use 1-63 lower-case letters, digits and "
                + "underscores"));
  }

  @Test
  void anApplicationsOwnWriterIsNotChecked() {
    withStartupCheck.withUserConfiguration(UserWriter.class)
        .run(context -> assertThat(context).hasNotFailed().getBean(OutboxWriter.class).isSameAs(UserWriter.WRITER));
  }

  @Test
  void customizersAdjustTheBuilder() {
    AtomicBoolean customized = new AtomicBoolean();
    runner.withBean(OutboxWriterBuilderCustomizer.class, () -> builder -> customized.set(true))
        .run(context -> {
          assertThat(context).hasSingleBean(OutboxWriter.class);
          assertThat(customized).isTrue();
        });
  }

  @Test
  void writtenEventsAreCountedInTheApplicationsRegistry() throws Exception {
    Connection connection = mock(Connection.class);
    PreparedStatement statement = mock(PreparedStatement.class);
    when(connection.prepareStatement(anyString())).thenReturn(statement);
    when(statement.executeUpdate()).thenReturn(1);
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      assertThat(context).hasBean("outboxWriterMeterRegistryCustomizer");
      context.getBean(OutboxWriter.class).publish(connection, "order", "o-1", "OrderCreated", "{}");
      assertThat(context.getBean(MeterRegistry.class).get("outboxkit.writer.events").tag("aggregate.type", "order")
          .counter().count()).isEqualTo(1);
    });
    runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(OutboxWriter.class)
            .doesNotHaveBean("outboxWriterMeterRegistryCustomizer"));
  }

  @Test
  void backsOffWithoutADataSource() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OutboxWriterAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxWriter.class));
  }

  @Test
  void backsOffWhenDisabled() {
    runner.withPropertyValues("outbox.writer.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxWriter.class));
  }

  @Test
  void backsOffWithoutTheWriterOrSpringJdbc() {
    runner.withClassLoader(new FilteredClassLoader(OutboxWriter.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxWriter.class));
    runner.withClassLoader(new FilteredClassLoader(DataSourceUtils.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OutboxWriter.class));
  }

  @Test
  void userBeansWin() {
    PayloadSerializer serializer = payload -> "{}";
    runner.withUserConfiguration(UserWriter.class).withBean(PayloadSerializer.class, () -> serializer)
        .run(context -> {
          assertThat(context.getBean(OutboxWriter.class)).isSameAs(UserWriter.WRITER);
          assertThat(context.getBean(PayloadSerializer.class)).isSameAs(serializer);
        });
  }

  @Test
  void anInvalidTableNameFailsTheStartNamingTheProperty() {
    runner.withPropertyValues("outbox.table.name=outbox-event").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("outbox.table.name").hasMessageContaining("outbox-event");
    });
  }

  @Test
  void anInvalidPrefixOrSizeFailsTheStartNamingTheProperty() {
    runner.withPropertyValues("outbox.wal-message-prefix=no spaces").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("the property outbox.wal-message-prefix is not accepted").contains("'no spaces'"));
    runner.withPropertyValues("outbox.writer.max-payload-size=3GB").run(context ->
        assertThat(StartupFailures.messages(context.getStartupFailure()))
            .contains("outbox.writer.max-payload-size is 3221225472B"));
  }

  @Configuration(proxyBeanMethods = false)
  static class UserWriter {

    static final OutboxWriter WRITER = new OutboxWriter() {
      @Override
      public UUID publish(String aggregateType, String aggregateId, String eventType, Object payload) {
        throw new UnsupportedOperationException();
      }

      @Override
      public UUID publish(OutboxEvent event) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<UUID> publishAll(Collection<OutboxEvent> events) {
        throw new UnsupportedOperationException();
      }

      @Override
      public UUID publish(Connection connection, String aggregateType, String aggregateId, String eventType,
          Object payload) {
        throw new UnsupportedOperationException();
      }

      @Override
      public UUID publish(Connection connection, OutboxEvent event) {
        throw new UnsupportedOperationException();
      }

      @Override
      public List<UUID> publishAll(Connection connection, Collection<OutboxEvent> events) {
        throw new UnsupportedOperationException();
      }
    };

    @Bean
    OutboxWriter userWriter() {
      return WRITER;
    }
  }
}
