package io.outboxkit.relay.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the relay as a process of its own: {@code java -jar outboxkit-outbox-relay-server-<version>.jar},
 * configured by {@code outbox.relay.*} (and {@code outbox.*} for the outbox table and the replication names) in an
 * {@code application.yml} next to the jar, in environment variables ({@code OUTBOX_RELAY_JDBCURL=...}) or as
 * arguments ({@code --outbox.relay.jdbc-url=...}).
 *
 * <p>The relay starts once the HTTP server is up ({@code /actuator/health}, {@code /actuator/prometheus}) and
 * is closed on SIGTERM: the records the broker acknowledged are committed before the process exits. A
 * configuration the relay cannot use ends the process with exit status 1 and a short report naming the setting.
 *
 * <p>With {@code --connect-config} it prints the Kafka Connect configuration of the same outbox instead
 * ({@link ConnectConfigMode}).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class OutboxRelayServer {

  /** Starts the relay server; exits with status 1 when it cannot start (Spring Boot reports why). */
  public static void main(String[] args) {
    if (ConnectConfigMode.requested(args)) {
      try {
        System.out.print(ConnectConfigMode.render(args));
        System.exit(0);
      } catch (IllegalArgumentException badOption) {
        System.err.println(badOption.getMessage());
        System.exit(2);
      } catch (RuntimeException failure) {
        System.err.println("no Kafka Connect configuration: " + failure.getMessage());
        System.exit(1);
      }
    }
    try {
      SpringApplication.run(OutboxRelayServer.class, args);
    } catch (RuntimeException failure) {
      // Spring Boot has printed the failure report; leave no thread behind that could keep the JVM alive
      System.exit(1);
    }
  }
}
