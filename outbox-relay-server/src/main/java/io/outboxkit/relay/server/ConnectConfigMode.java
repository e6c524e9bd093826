package io.outboxkit.relay.server;

import io.outboxkit.relay.KafkaConnectConfig;
import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.spring.relay.OutboxRelayBuilderCustomizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;

/**
 * The relay server's second mode: instead of running the relay, print the Kafka Connect configuration of the
 * connector that streams the same outbox ({@link KafkaConnectConfig}), from the same {@code outbox.*}
 * settings. {@code --connect-config} (JSON for the REST API) or {@code --connect-config=properties} (a
 * standalone worker's connector file); {@code --connect-password-reference=${file:...}} chooses how the
 * connector reads the password (default {@value KafkaConnectConfig#DEFAULT_PASSWORD_REFERENCE}). Nothing
 * connects to the database or the broker.
 */
final class ConnectConfigMode {

  static final String OPTION = "--connect-config";
  static final String REFERENCE_OPTION = "--connect-password-reference=";

  private ConnectConfigMode() {
  }

  /** True when the arguments ask for this mode. */
  static boolean requested(String[] args) {
    for (String arg : args) {
      if (arg.equals(OPTION) || arg.startsWith(OPTION + "=")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The configuration, as JSON or properties text.
   *
   * @throws IllegalArgumentException when the format is neither {@code json} nor {@code properties}
   * @throws RuntimeException what the relay's configuration fails with (Spring Boot reports it)
   */
  static String render(String[] args) {
    String format = "json";
    String reference = KafkaConnectConfig.DEFAULT_PASSWORD_REFERENCE;
    List<String> springArgs = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith(OPTION + "=")) {
        format = arg.substring(OPTION.length() + 1);
      } else if (arg.startsWith(REFERENCE_OPTION)) {
        reference = arg.substring(REFERENCE_OPTION.length());
      } else if (!arg.equals(OPTION)) {
        springArgs.add(arg);
      }
    }
    if (!format.equals("json") && !format.equals("properties")) {
      throw new IllegalArgumentException(OPTION + "=" + format + ": give json (the default) or properties");
    }
    springArgs.add("--outbox.relay.auto-startup=false");
    springArgs.add("--spring.main.banner-mode=off");
    springArgs.add("--logging.level.root=ERROR");
    AtomicReference<OutboxRelay.@Nullable Builder> captured = new AtomicReference<>();
    SpringApplication application = new SpringApplication(OutboxRelayServer.class);
    application.setWebApplicationType(WebApplicationType.NONE);
    application.addInitializers(context -> ((GenericApplicationContext) context).registerBean(
        "connectConfigCapture", OutboxRelayBuilderCustomizer.class, () -> new Capture(captured)));
    try (ConfigurableApplicationContext ignored = application.run(springArgs.toArray(String[]::new))) {
      OutboxRelay.Builder builder = captured.get();
      if (builder == null) {
        throw new IllegalStateException("the relay was not configured: is outbox.relay.enabled false?");
      }
      KafkaConnectConfig connector = KafkaConnectConfig.of(builder, reference);
      return format.equals("json") ? connector.toJson() : connector.toProperties();
    }
  }

  /** Takes the relay's builder after every other customizer has changed it. */
  private record Capture(AtomicReference<OutboxRelay.@Nullable Builder> captured)
      implements OutboxRelayBuilderCustomizer, Ordered {

    @Override
    public void customize(OutboxRelay.Builder builder) {
      captured.set(builder);
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
