package io.outboxkit.fault;

import io.outboxkit.relay.OutboxRelay;
import io.outboxkit.relay.RelayState;
import io.outboxkit.relay.RelayStatus;
import java.util.Arrays;
import java.util.Objects;

/**
 * The relay in a process of its own ({@link RelayChild} starts it). Runs until it is killed and reports each
 * change of state or reason as {@code relay state=<STATE> reason=<reason>}; a relay that cannot start
 * reports {@code relay start-failed <message>} and exits with code 3, one that fails later exits with 2.
 *
 * <p>Arguments: host port database user password slot topicPrefix bootstrapServers [producerProperty=value ...]
 */
public final class RelayMain {

  static final int START_FAILED = 3;
  static final int FAILED = 2;

  private RelayMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    ChildJvm.exitWithParent();
    OutboxRelay.Builder builder = OutboxRelay.builder()
        .database(args[0], Integer.parseInt(args[1]), args[2])
        .username(args[3]).password(args[4])
        .replicationSlot(args[5])
        .topicPrefix(args[6])
        .bootstrapServers(args[7]);
    Arrays.stream(args).skip(8).forEach(property -> {
      int equals = property.indexOf('=');
      builder.producerProperty(property.substring(0, equals), property.substring(equals + 1));
    });
    OutboxRelay relay = builder.build();
    try {
      relay.start();
    } catch (RuntimeException e) {
      ChildJvm.report("relay start-failed " + e.getClass().getSimpleName() + ": " + e.getMessage());
      System.exit(START_FAILED);
    }
    RelayStatus reported = null;
    while (true) {
      RelayStatus status = relay.status();
      if (reported == null || status.state() != reported.state() || !Objects.equals(status.reason(), reported.reason())) {
        ChildJvm.report("relay state=" + status.state() + " reason=" + status.reason());
        reported = status;
      }
      if (status.state() == RelayState.FAILED) {
        System.exit(FAILED);
      }
      Thread.sleep(20);
    }
  }
}
