package io.outboxkit.samples.shop;

import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The saga flow's own invariants, read from the orchestrator's tables in the order service's database
 * ({@code saga_instance}, {@code saga_step_history}) and from the participants' barrier ({@code saga_barrier})
 * beside their data in the inventory and payment databases.
 */
final class SagaAudit {

  /** One saga as stored: its state and, when it compensated or failed, why. */
  record SagaRow(String state, @Nullable String lastError) {
  }

  /** A saga's history, reduced to what the checks need. */
  private static final class History {
    final List<Integer> succeeded = new ArrayList<>();
    final TreeSet<Integer> sent = new TreeSet<>();
    final List<Integer> compensated = new ArrayList<>();
  }

  /** A participant's barrier rows of one saga and step. */
  private record Barrier(@Nullable String action, @Nullable String compensation) {
  }

  private static final int EXAMPLES = 3;

  private final Shop shop;
  private final List<String> lines;
  private final List<Invariant> invariants;

  SagaAudit(Shop shop, List<String> lines, List<Invariant> invariants) {
    this.shop = shop;
    this.lines = lines;
    this.invariants = invariants;
  }

  /** Every saga of the order service by id (the order id). */
  static Map<String, SagaRow> sagas(Shop shop) throws SQLException {
    Map<String, SagaRow> sagas = new HashMap<>();
    query(shop, ShopService.ORDER, "SELECT saga_id, state, last_error FROM saga_instance", rs ->
        sagas.put(rs.getString(1), new SagaRow(rs.getString(2), rs.getString(3))));
    return sagas;
  }

  void check(Map<String, SagaRow> sagas, Faults.@Nullable OrchestratorKill kill) throws SQLException {
    if (kill != null) {
      killed(kill);
    }
    Map<String, Long> byState = new TreeMap<>();
    sagas.values().forEach(saga -> byState.merge(saga.state(), 1L, Long::sum));

    // the history: each step's sends, successes and compensations, per saga, in the order they happened
    Map<String, History> histories = new HashMap<>();
    // timeouts, commands sent again, replies ignored, null compensations, compensation retries, late replies
    long[] counts = new long[6];
    Map<String, Long> retriedSagas = new HashMap<>();
    query(shop, ShopService.ORDER, """
        SELECT saga_id, step, phase, event, attempt, detail FROM saga_step_history ORDER BY saga_id, id""", rs -> {
          History history = histories.computeIfAbsent(rs.getString(1), id -> new History());
          int step = rs.getInt(2);
          String phase = rs.getString(3);
          String event = rs.getString(4);
          switch (event) {
            case "SENT" -> {
              if ("ACTION".equals(phase)) {
                history.sent.add(step);
              }
              if (rs.getInt(5) > 1) {
                counts[1]++;
              }
            }
            case "SUCCEEDED" -> history.succeeded.add(step);
            case "COMPENSATED" -> {
              if ("COMPENSATION".equals(phase)) {
                history.compensated.add(step);
                String detail = rs.getString(6);
                if (detail != null && detail.startsWith("null compensation")) {
                  counts[3]++;
                }
              }
            }
            case "TIMED_OUT" -> counts[0]++;
            case "IGNORED" -> {
              counts[2]++;
              String detail = rs.getString(6);
              // an action's reply that came after its timeouts had decided: the saga compensates already
              if ("ACTION".equals(phase) && detail != null && detail.contains("while the saga is COMPENSAT")) {
                counts[5]++;
              }
            }
            case "RETRY_SCHEDULED" -> {
              if ("COMPENSATION".equals(phase)) {
                counts[4]++;
                retriedSagas.merge(rs.getString(1), 1L, Long::sum);
              }
            }
            default -> {
              // STARTED, FAILED, COMPENSATING, RETRY_SCHEDULED, ...: not needed here
            }
          }
        });
    long stepsCompensated = histories.values().stream().mapToLong(history -> history.compensated.size()).sum();
    lines.add(String.format(Locale.ROOT, "sagas       %d in the order service: %s; %d steps compensated (%d null "
        + "compensations: the step's action had not been applied)", sagas.size(), byState, stepsCompensated, counts[3]));
    lines.add(String.format(Locale.ROOT, "            step timeouts %d, commands sent again %d, late or repeated "
        + "replies ignored %d (%d late: an action's reply after its timeouts had turned the saga to compensating)",
        counts[0], counts[1], counts[2], counts[5]));
    Map<String, Long> retriedEnd = new TreeMap<>();
    retriedSagas.keySet().forEach(id -> retriedEnd.merge(sagas.containsKey(id) ? sagas.get(id).state() : "missing", 1L,
        Long::sum));
    lines.add(String.format(Locale.ROOT, "            compensations retried %d times in %d sagas (a failed attempt is "
        + "rolled back and answered ERROR, then sent again after a backoff); those sagas ended %s", counts[4],
        retriedSagas.size(), retriedEnd));

    long unfinished = byState.getOrDefault("RUNNING", 0L) + byState.getOrDefault("COMPENSATING", 0L);
    check("no saga is left in a non-final state", unfinished == 0, unfinished + " RUNNING or COMPENSATING, "
        + sagas.size() + " sagas " + byState);

    // each compensated saga undid every step it had begun, once, last first; a completed one undid nothing
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, SagaRow> saga : sagas.entrySet()) {
      History history = histories.getOrDefault(saga.getKey(), new History());
      String problem = switch (saga.getValue().state()) {
        case "COMPENSATED" -> {
          // every step begun: those that succeeded (the local first step included) and the participant step
          // that failed or timed out, whose compensation is a null one that blocks a late copy of its command
          TreeSet<Integer> begun = new TreeSet<>(history.succeeded);
          begun.addAll(history.sent);
          List<Integer> expected = new ArrayList<>(begun.descendingSet());
          yield expected.equals(history.compensated) ? null
              : "compensated steps " + history.compensated + ", expected " + expected;
        }
        case "COMPLETED" -> history.compensated.isEmpty() && history.succeeded.equals(List.of(0, 1, 2, 3)) ? null
            : "COMPLETED with steps succeeded " + history.succeeded + " and compensated " + history.compensated;
        default -> null;
      };
      if (problem != null) {
        wrong.add(saga.getKey() + ": " + problem);
      }
    }
    check("every compensated saga compensated each completed step exactly once, in reverse order",
        wrong.isEmpty(), wrong.isEmpty() ? byState.getOrDefault("COMPENSATED", 0L) + " compensated sagas, "
            + stepsCompensated + " steps compensated, read from saga_step_history"
            : wrong.size() + " sagas, for example " + wrong.subList(0, Math.min(EXAMPLES, wrong.size())));

    // no effect outlives its compensation: the participants' data against their barrier
    List<String> hanging = new ArrayList<>();
    int[] checked = new int[1];
    participant(ShopService.INVENTORY, "reservation", "RESERVED", sagas, hanging, checked);
    participant(ShopService.PAYMENT, "payment", "CHARGED", sagas, hanging, checked);
    check("no step effect after its compensation (no hanging reservation or charge)", hanging.isEmpty(),
        hanging.isEmpty() ? checked[0] + " reservations and charges checked against the participants' barrier"
            : hanging.size() + " effects, for example " + hanging.subList(0, Math.min(EXAMPLES, hanging.size())));

    // FAILED: a compensation kept failing, the saga waits for an operator; listed with the reason
    List<String> failed = new ArrayList<>();
    sagas.forEach((id, saga) -> {
      if ("FAILED".equals(saga.state())) {
        failed.add(id + ": " + saga.lastError());
      }
    });
    if (failed.isEmpty()) {
      lines.add("            FAILED sagas: none");
    } else {
      lines.add("            FAILED sagas (" + failed.size() + "), each waiting for an operator:");
      failed.forEach(line -> lines.add("              " + line));
    }
    check("no saga FAILED (each one would be listed above with its reason)", failed.isEmpty(),
        failed.size() + " FAILED");
  }

  /**
   * While the orchestrator process was dead nothing may have moved a saga: the only history rows of that time are
   * those of the sagas the order service started (written in the start's transaction, so with the same
   * {@code xmin} as the saga's {@code STARTED} row). Also counts the sagas the kill caught in progress.
   */
  private void killed(Faults.OrchestratorKill kill) throws SQLException {
    long moved;
    long started;
    long inProgress;
    try (Connection connection = shop.database(ShopService.ORDER).dataSource().getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement("""
          SELECT count(*) FILTER (WHERE h.xmin::text <> s.xmin::text),
                 count(*) FILTER (WHERE h.event = 'STARTED')
          FROM saga_step_history h
               JOIN saga_step_history s ON s.saga_type = h.saga_type AND s.saga_id = h.saga_id AND s.event = 'STARTED'
          WHERE h.at > ? AND h.at < ?""")) {
        statement.setTimestamp(1, kill.deadFrom());
        statement.setTimestamp(2, kill.deadUntil());
        try (ResultSet rs = statement.executeQuery()) {
          rs.next();
          moved = rs.getLong(1);
          started = rs.getLong(2);
        }
      }
      try (PreparedStatement statement = connection.prepareStatement("""
          SELECT count(*) FROM saga_step_history s
          WHERE s.event = 'STARTED' AND s.at < ?
            AND NOT EXISTS (SELECT 1 FROM saga_step_history f
                            WHERE f.saga_type = s.saga_type AND f.saga_id = s.saga_id AND f.phase = 'SAGA'
                              AND f.event IN ('COMPLETED', 'COMPENSATED', 'FAILED') AND f.at < ?)""")) {
        statement.setTimestamp(1, kill.deadFrom());
        statement.setTimestamp(2, kill.deadFrom());
        try (ResultSet rs = statement.executeQuery()) {
          rs.next();
          inProgress = rs.getLong(1);
        }
      }
    }
    double deadSeconds = (kill.deadUntil().getTime() - kill.deadFrom().getTime()) / 1000.0;
    lines.add(String.format(Locale.ROOT, "            orchestrator killed with %d sagas in progress; while it was dead "
        + "(%.1f s) the order service started %d more, and no saga moved", inProgress, deadSeconds, started));
    check("no saga moved while the orchestrator was dead", moved == 0,
        moved == 0 ? inProgress + " sagas in progress at the kill, " + started + " started while it was dead"
            : moved + " history rows written while it was dead by something other than a saga's start");
  }

  /**
   * Checks one participant's effects against its barrier: an effect still held (a reservation RESERVED, a
   * payment CHARGED) must belong to a COMPLETED saga and have no compensation row; an action the barrier
   * BLOCKED (its compensation came first) must have left no row at all.
   */
  private void participant(ShopService service, String table, String held, Map<String, SagaRow> sagas,
      List<String> hanging, int[] checked) throws SQLException {
    Map<String, Barrier> barrier = new HashMap<>();
    query(shop, service, """
        SELECT saga_id, max(outcome) FILTER (WHERE phase = 'ACTION'), max(outcome) FILTER (WHERE phase = 'COMPENSATION')
        FROM saga_barrier GROUP BY saga_id""", rs ->
        barrier.put(rs.getString(1), new Barrier(rs.getString(2), rs.getString(3))));
    query(shop, service, "SELECT order_id::text, status FROM " + table, rs -> {
      checked[0]++;
      String id = rs.getString(1);
      String status = rs.getString(2);
      Barrier rows = barrier.getOrDefault(id, new Barrier(null, null));
      SagaRow saga = sagas.get(id);
      String what = service.serviceName() + " " + table + " " + id + " " + status;
      if ("BLOCKED".equals(rows.action())) {
        hanging.add(what + " although its action was blocked by an earlier compensation");
      } else if (!"APPLIED".equals(rows.action())) {
        hanging.add(what + " without its action in the barrier");
      } else if (held.equals(status) && rows.compensation() != null) {
        hanging.add(what + " after its compensation (" + rows.compensation() + ")");
      } else if (held.equals(status) && (saga == null || !"COMPLETED".equals(saga.state()))) {
        hanging.add(what + " for a saga " + (saga == null ? "that does not exist" : saga.state()));
      }
    });
  }

  private void check(String name, boolean holds, String detail) {
    invariants.add(new Invariant(name, holds, detail));
  }

  private interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  private static void query(Shop shop, ShopService service, String sql, RowHandler handler) throws SQLException {
    try (Connection connection = shop.database(service).dataSource().getConnection();
         PreparedStatement statement = connection.prepareStatement(sql);
         ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        handler.row(rs);
      }
    }
  }
}
