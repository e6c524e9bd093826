package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.outboxkit.core.OutboxEvent;
import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * spring-jdbc, opentelemetry-api and micrometer-core are optional: without them on the class path the writer
 * still loads and works (the Connection form always, the DataSource form with writes outside a transaction
 * allowed), and a meter registry given anyway is refused with a clear message.
 */
@OutboxIntegrationTest
class WithoutOptionalLibrariesIT {

  @Test
  @SuppressWarnings("unchecked")
  void theWriterWorksWithoutSpringOpenTelemetryAndMicrometer(TestDatabase db) throws Exception {
    OutboxRows.installTable(db.dataSource());
    URL[] classPath = Stream.of(OutboxWriter.class, OutboxEvent.class, ObjectMapper.class, JsonFactory.class,
            JsonAutoDetect.class, LoggerFactory.class, NullMarked.class, WithoutOptionalLibrariesIT.class)
        .map(type -> type.getProtectionDomain().getCodeSource().getLocation())
        .distinct()
        .toArray(URL[]::new);
    List<String> report;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader withoutOptionals = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader())) {
      thread.setContextClassLoader(withoutOptionals);
      Function<DataSource, List<String>> scenario = (Function<DataSource, List<String>>) withoutOptionals
          .loadClass(WithoutOptionalLibrariesScenario.class.getName()).getConstructor().newInstance();
      report = scenario.apply(db.dataSource());
    } finally {
      thread.setContextClassLoader(previous);
    }

    assertThat(report.get(0)).isEqualTo("spring visible: false");
    assertThat(report.get(1)).isEqualTo("opentelemetry visible: false");
    assertThat(report.get(2)).startsWith("strict DataSource form: NoTransactionException:")
        .contains("spring-jdbc is not on the class path")
        .contains("publish(Connection, ...)")
        .contains("allowWritesOutsideTransaction(true)");
    UUID lenient = UUID.fromString(report.get(3).substring("lenient DataSource form: ".length()));
    UUID connection = UUID.fromString(report.get(4).substring("Connection form: ".length()));
    List<OutboxRows.Row> rows = OutboxRows.read(db.dataSource());
    assertThat(rows).extracting(OutboxRows.Row::id).containsExactly(lenient, connection);
    assertThat(rows).extracting(OutboxRows.Row::tracingSpanContext).containsOnlyNulls();
    assertThat(report.get(5)).isEqualTo("micrometer visible: false");
    assertThat(report.get(6)).isEqualTo("meterRegistry: OutboxConfigurationException: OutboxWriter meterRegistry "
        + "must be an io.micrometer.core.instrument.MeterRegistry (io.micrometer:micrometer-core), was java.lang.Object");
  }
}
