package io.outboxkit.inbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Loads the inbox and the runner in a class loader that cannot see spring-*, opentelemetry-* and micrometer-*
 * jars, as in an application that has none of them: building and closing must work, no optional class may be
 * touched, and a meter registry given anyway is refused with a clear message.
 */
class WithoutOptionalLibrariesTest {

  @Test
  void inboxAndRunnerWorkWithoutSpringOpenTelemetryAndMicrometer() throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      String name = new File(entry).getName();
      if (name.startsWith("spring-") || name.startsWith("opentelemetry-") || name.startsWith("micrometer-")) {
        continue;
      }
      urls.add(new File(entry).toURI().toURL());
    }
    try (URLClassLoader hidden = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> hidden.loadClass("io.opentelemetry.api.OpenTelemetry"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> hidden.loadClass("org.springframework.jdbc.datasource.DataSourceUtils"))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> hidden.loadClass("io.micrometer.core.instrument.MeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      @SuppressWarnings("unchecked")
      Callable<String> probe = (Callable<String>) hidden.loadClass(Probe.class.getName())
          .getDeclaredConstructor().newInstance();
      // Kafka loads its plugins through the context class loader, as it would in such an application
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      thread.setContextClassLoader(hidden);
      try {
        assertThat(probe.call()).isEqualTo("joiner=null tracing=none meterRegistry=refused: inbox runner "
            + "meterRegistry must be an io.micrometer.core.instrument.MeterRegistry (io.micrometer:micrometer-core), "
            + "was java.lang.Object");
      } finally {
        thread.setContextClassLoader(previous);
      }
    }
  }

  /** Runs inside the hidden class loader. */
  public static final class Probe implements Callable<String> {

    @Override
    public String call() throws Exception {
      io.outboxkit.inbox.Inbox inbox = io.outboxkit.inbox.Inbox.builder(new org.postgresql.ds.PGSimpleDataSource())
          .build();
      java.lang.reflect.Field joiner = inbox.getClass().getDeclaredField("joiner");
      joiner.setAccessible(true);
      InboxKafkaRunner runner = InboxKafkaRunner.builder(inbox)
          .consumerProperties(java.util.Map.of("bootstrap.servers", "127.0.0.1:1", "group.id", "g"))
          .topics("orders")
          .consumerName("billing")
          .handler((message, connection) -> { })
          .build();
      java.lang.reflect.Field loopField = InboxKafkaRunner.class.getDeclaredField("loop");
      loopField.setAccessible(true);
      Object loop = loopField.get(runner);
      java.lang.reflect.Field tracing = loop.getClass().getDeclaredField("tracing");
      tracing.setAccessible(true);
      runner.close();
      String meters;
      try {
        InboxKafkaRunner.builder(inbox).meterRegistry(new Object());
        meters = "accepted";
      } catch (io.outboxkit.core.OutboxConfigurationException e) {
        meters = "refused: " + e.getMessage();
      }
      return "joiner=" + joiner.get(inbox) + " tracing=" + (tracing.get(loop) == RecordTracing.NONE ? "none" : "otel")
          + " meterRegistry=" + meters;
    }
  }
}
