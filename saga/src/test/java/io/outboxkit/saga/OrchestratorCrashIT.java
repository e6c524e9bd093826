package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator's process killed with SIGKILL again and again while several hundred sagas run: every saga
 * still ends COMPLETED or COMPENSATED, as its data says it must, with each participant effect applied once and
 * each applied effect undone once when the saga compensated.
 */
@OutboxIntegrationTest
class OrchestratorCrashIT {

  private static final int SAGAS = 300;
  private static final int KILLS = 4;

  @Test
  void sigkillOfTheOrchestratorLosesNoSagaAndAppliesNoEffectTwice(TestDatabase db, TestKafka kafka) throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());
      String replyTopic = fixture.topic(SagaOrchestrator.DEFAULT_REPLY_CHANNEL);
      kafka.createTopic(replyTopic, 2);
      String group = "crash-" + kafka.newGroupId();
      // starts sagas only: replies and deadlines are the killed process's work
      SagaOrchestrator starter = SagaOrchestrator.builder(fixture.dataSource, fixture.writer)
          .definition(OrderSaga.definition(Duration.ofSeconds(30))).build();

      Path logs = Files.createTempDirectory("orchestrator-crash");
      String[] args = {db.jdbcUrl(), db.username(), db.password(), kafka.bootstrapServers(), replyTopic, group, "30"};
      Process process = start(logs.resolve("orchestrator-0.log"), args);
      int kills = 0;
      try {
        for (int i = 0; i < SAGAS; i++) {
          String id = "crash-" + i;
          starter.start(OrderSaga.TYPE, id, new OrderSaga.Data(id, 5, failAt(i)));
          if (i % (SAGAS / KILLS) == SAGAS / KILLS / 2 && kills < KILLS) {
            await("some sagas moved before the kill").atMost(SagaFixture.TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> Integer.parseInt(db.queryColumn("SELECT count(*) FROM saga_step_history"
                    + " WHERE event = 'SUCCEEDED'").get(0)) > 0);
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            kills++;
            process = start(logs.resolve("orchestrator-" + kills + ".log"), args);
          }
        }
        await("every saga final").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
            .until(() -> db.queryColumn("SELECT count(*) FROM saga_instance WHERE state IN ('RUNNING', 'COMPENSATING')")
                .get(0).equals("0"));
      } finally {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }

      Map<String, String> states = db.queryColumn("SELECT saga_id || '=' || state FROM saga_instance").stream()
          .collect(Collectors.toMap(line -> line.split("=")[0], line -> line.split("=")[1]));
      Map<String, List<String>> effects = new HashMap<>();
      for (String line : db.queryColumn("SELECT saga_id || '=' || name FROM effect ORDER BY id")) {
        effects.computeIfAbsent(line.split("=")[0], k -> new ArrayList<>()).add(line.split("=")[1]);
      }
      List<String> wrong = new ArrayList<>();
      int completed = 0;
      for (int i = 0; i < SAGAS; i++) {
        String id = "crash-" + i;
        String state = states.get(id);
        List<String> applied = effects.getOrDefault(id, List.of());
        boolean right;
        if ("COMPLETED".equals(state)) {
          completed++;
          right = failAt(i).isEmpty() && applied.equals(List.of("reserve", "charge", "approve"));
        } else if ("COMPENSATED".equals(state)) {
          right = compensatedOnce(applied);
        } else {
          right = false;
        }
        if (!right) {
          wrong.add(id + " (fails at '" + failAt(i) + "'): " + state + " " + applied);
        }
      }
      for (String sample : List.of("crash-5", "crash-" + (SAGAS - 5))) {
        System.out.println("orchestrator crash: history of " + sample + ": " + SagaIT.events(starter.history(OrderSaga.TYPE,
            sample)));
      }
      assertThat(wrong).as("sagas lost or with an effect applied twice or not undone").isEmpty();
      System.out.printf("orchestrator crash: %d kills, %d sagas, %d completed, %d compensated, %s resends%n", kills,
          SAGAS, completed, SAGAS - completed,
          db.queryColumn("SELECT count(*) FROM saga_step_history WHERE event = 'SENT' AND attempt > 1").get(0));
      assertThat(kills).isEqualTo(KILLS);
    }
  }

  /** Each effect at most once, each applied action undone once after it, nothing approved. */
  private static boolean compensatedOnce(List<String> applied) {
    for (String[] pair : new String[][] {{"reserve", "release"}, {"charge", "refund"}}) {
      long actions = applied.stream().filter(pair[0]::equals).count();
      long undos = applied.stream().filter(pair[1]::equals).count();
      if (actions > 1 || undos != actions
          || (actions == 1 && applied.indexOf(pair[1]) < applied.indexOf(pair[0]))) {
        return false;
      }
    }
    return !applied.contains("approve");
  }

  private static Process start(Path log, String[] args) throws Exception {
    Process process = OrchestratorProcess.launch(log, args);
    await("orchestrator process ready").atMost(SagaFixture.TIMEOUT).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          if (!process.isAlive()) {
            throw new AssertionError("the orchestrator process ended: " + Files.readString(log));
          }
          return OrchestratorProcess.isReady(log);
        });
    return process;
  }

  private static String failAt(int i) {
    return switch (i % 10) {
      case 0 -> "charge-payment";
      case 1 -> "reserve-stock";
      case 2 -> "approve";
      default -> "";
    };
  }
}
