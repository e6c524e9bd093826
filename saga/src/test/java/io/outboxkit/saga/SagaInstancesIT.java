package io.outboxkit.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outboxkit.test.OutboxIntegrationTest;
import io.outboxkit.test.TestDatabase;
import io.outboxkit.test.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Several orchestrator instances share the sagas: one consumer group for replies, one table for deadlines. */
@OutboxIntegrationTest
class SagaInstancesIT {

  private static final int SAGAS = 200;

  @Test
  void twoInstancesUnderLoadMoveEachSagaOnceAndEndEveryOneRight(TestDatabase db, TestKafka kafka) throws Exception {
    try (SagaFixture fixture = new SagaFixture(db, kafka)) {
      String group = "orchestrators-" + kafka.newGroupId();
      List<SagaOrchestrator> instances = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        SagaOrchestrator orchestrator = SagaOrchestrator.builder(fixture.dataSource, fixture.writer)
            .definition(OrderSaga.definition(Duration.ofSeconds(90)))
            .scanInterval(Duration.ofMillis(200))
            .build();
        orchestrator.startScanner();
        fixture.closeLater(orchestrator);
        fixture.consume(orchestrator.replyChannel(), "orchestrator", group, orchestrator.replyHandler());
        instances.add(orchestrator);
      }
      fixture.consume("inventory", "inventory", OrderSaga.inventory(fixture).commandHandler());
      fixture.consume("payment", "payment", OrderSaga.payment(fixture).commandHandler());

      long begin = System.nanoTime();
      ExecutorService starters = Executors.newFixedThreadPool(4);
      try {
        List<Future<Boolean>> started = new ArrayList<>();
        for (int i = 0; i < SAGAS; i++) {
          String id = "load-" + i;
          String failAt = failAt(i);
          SagaOrchestrator orchestrator = instances.get(i % 2);
          started.add(starters.submit(() -> orchestrator.start(OrderSaga.TYPE, id, new OrderSaga.Data(id, i(id), failAt))));
        }
        for (Future<Boolean> future : started) {
          assertThat(future.get(2, TimeUnit.MINUTES)).isTrue();
        }
      } finally {
        starters.shutdownNow();
      }

      await("every saga final").atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
          .until(() -> db.queryColumn("SELECT count(*) FROM saga_instance WHERE state IN ('RUNNING', 'COMPENSATING')")
              .get(0).equals("0"));

      System.out.printf("saga instances: %d sagas started and finished in %d ms%n", SAGAS,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
      Map<String, String> states = db.queryColumn("SELECT saga_id || '=' || state FROM saga_instance").stream()
          .collect(Collectors.toMap(line -> line.split("=")[0], line -> line.split("=")[1]));
      Map<String, List<String>> effects = new java.util.HashMap<>();
      for (String line : db.queryColumn("SELECT saga_id || '=' || name FROM effect ORDER BY id")) {
        effects.computeIfAbsent(line.split("=")[0], k -> new ArrayList<>()).add(line.split("=")[1]);
      }
      List<String> wrong = new ArrayList<>();
      for (int i = 0; i < SAGAS; i++) {
        String id = "load-" + i;
        String failAt = failAt(i);
        String expectedState = failAt.isEmpty() ? "COMPLETED" : "COMPENSATED";
        List<String> expectedEffects = switch (failAt) {
          case "" -> List.of("reserve", "charge", "approve");
          case "reserve-stock" -> List.of();
          case "charge-payment" -> List.of("reserve", "release");
          default -> List.of("reserve", "charge", "refund", "release");
        };
        List<String> actual = effects.getOrDefault(id, List.of());
        if (!expectedState.equals(states.get(id)) || !expectedEffects.equals(actual)) {
          wrong.add(id + ": " + states.get(id) + " " + actual + ", expected " + expectedState + " " + expectedEffects);
        }
      }
      assertThat(wrong).as("sagas that ended wrong").isEmpty();
      // no transition made twice by the two instances: each send (a resend after a timeout has its own attempt
      // number) and each step's success and compensation recorded once
      assertThat(db.queryColumn("SELECT saga_id || ' ' || step || ' ' || phase || ' ' || event || ' ' || attempt"
          + " FROM saga_step_history WHERE event IN ('SENT', 'SUCCEEDED', 'COMPENSATED')"
          + " GROUP BY saga_id, step, phase, event, attempt HAVING count(*) > 1")).isEmpty();
      assertThat(db.queryColumn("SELECT saga_id || ' ' || step || ' ' || phase || ' ' || event FROM saga_step_history"
          + " WHERE event IN ('SUCCEEDED', 'COMPENSATED') GROUP BY saga_id, step, phase, event HAVING count(*) > 1"))
          .isEmpty();
      System.out.println("saga instances: commands sent again after a timeout: " + db.queryColumn(
          "SELECT count(*) FROM saga_step_history WHERE event = 'SENT' AND attempt > 1").get(0));
      Collection<Long> startedBy = instances.stream().map(o -> o.stats().started()).toList();
      assertThat(startedBy).containsExactly((long) SAGAS / 2, (long) SAGAS / 2);
      System.out.printf("saga instances: %d sagas over 2 orchestrators, stats %s and %s%n", SAGAS,
          instances.get(0).stats(), instances.get(1).stats());
    }
  }

  private static String failAt(int i) {
    return switch (i % 10) {
      case 0 -> "charge-payment";
      case 1 -> "reserve-stock";
      case 2 -> "approve";
      default -> "";
    };
  }

  private static int i(String id) {
    return Integer.parseInt(id.substring(id.indexOf('-') + 1));
  }
}
