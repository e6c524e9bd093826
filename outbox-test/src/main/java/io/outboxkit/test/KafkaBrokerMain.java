package io.outboxkit.test;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the Kafka broker child process: runs {@code kafka.Kafka} and ends the process when the
 * parent JVM goes away (its standard input closes), so that no broker outlives the tests.
 */
final class KafkaBrokerMain {

  private KafkaBrokerMain() {
  }

  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // the parent never writes; read() returns -1 once it is gone
        }
      } catch (IOException ignored) {
        // parent gone as well
      }
      Runtime.getRuntime().halt(3);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    kafka.Kafka.main(args);
  }
}
