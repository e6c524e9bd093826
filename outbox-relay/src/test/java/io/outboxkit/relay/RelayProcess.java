package io.outboxkit.relay;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A relay in a JVM of its own, for tests that kill it with SIGKILL. {@link #main} runs the relay until the
 * process is killed; {@link #launch} starts such a process with the test's class path.
 */
final class RelayProcess {

  static final String ACTIVE_LINE = "RELAY-PROCESS-ACTIVE";

  private RelayProcess() {
  }

  /** Arguments: host port database user password slot topicPrefix bootstrapServers. */
  public static void main(String[] args) throws Exception {
    OutboxRelay relay = OutboxRelay.builder()
        .database(args[0], Integer.parseInt(args[1]), args[2])
        .username(args[3]).password(args[4])
        .replicationSlot(args[5])
        .topicPrefix(args[6])
        .bootstrapServers(args[7])
        .build();
    relay.start();
    while (relay.status().state() != RelayState.ACTIVE) {
      if (relay.status().state() == RelayState.FAILED) {
        System.out.println("RELAY-PROCESS-FAILED " + relay.status().reason());
        System.exit(2);
      }
      Thread.sleep(50);
    }
    System.out.println(ACTIVE_LINE);
    System.out.flush();
    new CountDownLatch(1).await(); // until killed
  }

  static Process launch(Path log, String... args) throws IOException {
    return launch(log, List.of("-Xmx256m"), args);
  }

  static Process launch(Path log, List<String> jvmOptions, String... args) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), RelayProcess.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static boolean isActive(Path log) throws IOException {
    return Files.exists(log) && Files.readString(log).contains(ACTIVE_LINE);
  }
}
