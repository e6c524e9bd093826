package io.outboxkit.writer;

import io.outboxkit.core.OutboxException;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Runs inside a class loader that has the writer, core, Jackson and slf4j, but neither Spring nor
 * OpenTelemetry (see {@link WithoutOptionalLibrariesIT}). Reports what happened as lines of text.
 */
public final class WithoutOptionalLibrariesScenario implements Function<DataSource, List<String>> {

  @Override
  public List<String> apply(DataSource dataSource) {
    List<String> report = new ArrayList<>();
    report.add("spring visible: " + ClassPath.has("org.springframework.jdbc.datasource.DataSourceUtils"));
    report.add("opentelemetry visible: " + ClassPath.has("io.opentelemetry.api.trace.Span"));
    try {
      OutboxWriter.builder(dataSource).build().publish("order", "1", "OrderCreated", "{}");
      report.add("strict DataSource form: written");
    } catch (OutboxException e) {
      report.add("strict DataSource form: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    OutboxWriter lenient = OutboxWriter.builder(dataSource).allowWritesOutsideTransaction(true).build();
    report.add("lenient DataSource form: " + lenient.publish("order", "2", "OrderCreated", "{}"));
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      report.add("Connection form: " + OutboxWriter.builder(dataSource).build()
          .publish(connection, "order", "3", "OrderCreated", "{}"));
      connection.commit();
    } catch (Exception e) {
      report.add("Connection form: " + e);
    }
    report.add("micrometer visible: " + ClassPath.has("io.micrometer.core.instrument.MeterRegistry"));
    try {
      OutboxWriter.builder(dataSource).meterRegistry(new Object());
      report.add("meterRegistry: accepted");
    } catch (OutboxException e) {
      report.add("meterRegistry: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return report;
  }
}
