package io.outboxkit.samples.shop;

import io.outboxkit.samples.shop.Faults.Redelivery;
import io.outboxkit.samples.shop.SagaAudit.SagaRow;
import io.outboxkit.samples.shop.ShopReport.Invariant;
import java.io.IOException;
import java.net.URI;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Checks, once the system is quiet, that the three services agree with each other and with Kafka. It reads
 * each service's database directly (as an auditor would; the services never read each other's), the topics,
 * and each service's inbox meters through its actuator ({@code GET /actuator/metrics/outboxkit.inbox.*}).
 */
final class Audit {

  /** What the run did, besides what the databases and topics hold. */
  record RunFacts(Map<String, Integer> initialStock, int requested, int accepted, int failed,
      @Nullable String firstFailure, Set<UUID> acceptedIds, int relayRestarts, Redelivery redelivery,
      int participantStops, int repliesHeld, Faults.@Nullable OrchestratorKill orchestratorKill, boolean quiet,
      long quietTimeoutSeconds) {
  }

  private record OrderRow(String product, int quantity, BigDecimal amount, String status, @Nullable String reason) {
  }

  private record ReservationRow(String sku, int quantity, String status) {
  }

  private record PaymentRow(BigDecimal amount, String status) {
  }

  /** One topic's records: how many, the distinct event ids, and the distinct ids of each event type. */
  private record TopicContent(long records, Set<String> ids, Map<String, Set<String>> idsByType) {
  }

  /**
   * A service's inbox meters since it started: records whose effect was applied, duplicates absorbed and failed
   * attempts; every delivery of a handled event is exactly one of them.
   */
  private record InboxCounts(long processed, long duplicates, long failures) {

    long deliveries() {
      return processed + duplicates + failures;
    }
  }

  private final Shop shop;
  private final ShopHttp http;
  private final List<String> lines = new ArrayList<>();
  private final List<Invariant> invariants = new ArrayList<>();

  private Audit(Shop shop, ShopHttp http) {
    this.shop = shop;
    this.http = http;
  }

  static ShopReport run(Shop shop, ShopHttp http, RunFacts facts) {
    try {
      return new Audit(shop, http).report(facts);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("the audit could not read the services' data: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the audit", e);
    }
  }

  private ShopReport report(RunFacts facts) throws SQLException, IOException, InterruptedException {
    Map<UUID, OrderRow> orders = orders();
    Map<UUID, ReservationRow> reservations = reservations();
    Map<UUID, PaymentRow> payments = payments();
    Map<String, Integer> available = available();
    Flow flow = shop.flow();
    Map<String, TopicContent> topics = new LinkedHashMap<>();
    long deadLetters = 0;
    try (ShopKafka kafka = new ShopKafka(shop.kafkaProperties())) {
      for (String topic : ShopService.topics(flow)) {
        topics.put(topic, content(kafka.readAll(topic)));
      }
      for (String topic : kafka.topics()) {
        // the consumers' <topic>.dlq and the relays' outboxkit.relay.dlq
        if (topic.endsWith(".dlq")) {
          deadLetters += kafka.records(topic);
        }
      }
    }

    lines.add("");
    lines.add("Consistency report");
    lines.add("==================");

    // orders
    Map<String, Long> byStatus = new TreeMap<>();
    Map<String, Long> cancelReasons = new TreeMap<>();
    orders.values().forEach(order -> {
      byStatus.merge(order.status(), 1L, Long::sum);
      if ("CANCELLED".equals(order.status())) {
        cancelReasons.merge(reasonCode(order.reason()), 1L, Long::sum);
      }
    });
    lines.add(String.format(Locale.ROOT, "orders      %d requested, %d accepted, %d in the order service: %s",
        facts.requested(), facts.accepted(), orders.size(), byStatus));
    lines.add("            cancelled because: " + cancelReasons);
    check("every order request was accepted (201)", facts.failed() == 0,
        facts.failed() + " of " + facts.requested() + " failed"
            + (facts.firstFailure() == null ? "" : ", first: " + facts.firstFailure()));
    Set<UUID> missing = new HashSet<>(facts.acceptedIds());
    missing.removeAll(orders.keySet());
    check("every accepted order is in the order service", missing.isEmpty() && orders.size() == facts.accepted(),
        orders.size() + " orders stored, " + facts.accepted() + " accepted, " + missing.size() + " accepted but missing");
    long pending = byStatus.getOrDefault("PENDING", 0L);
    check("no order is left PENDING", pending == 0, pending + " PENDING");

    // each order's outcome, service by service
    Map<String, SagaRow> sagas = flow == Flow.SAGA ? SagaAudit.sagas(shop) : Map.of();
    List<String> disagreements = new ArrayList<>();
    for (Map.Entry<UUID, OrderRow> entry : orders.entrySet()) {
      String problem = flow == Flow.SAGA
          ? sagaDisagreement(entry.getValue(), reservations.get(entry.getKey()), payments.get(entry.getKey()),
              sagas.get(entry.getKey().toString()))
          : disagreement(entry.getValue(), reservations.get(entry.getKey()), payments.get(entry.getKey()));
      if (problem != null) {
        disagreements.add(entry.getKey() + ": " + problem);
      }
    }
    Set<UUID> orphans = new HashSet<>(reservations.keySet());
    orphans.addAll(payments.keySet());
    sagas.keySet().forEach(id -> orphans.add(UUID.fromString(id)));
    orphans.removeAll(orders.keySet());
    check("each order's outcome agrees in all three services", disagreements.isEmpty() && orphans.isEmpty(),
        disagreements.size() + " orders disagree, " + orphans.size() + " reservations, payments or sagas without an order"
            + (disagreements.isEmpty() ? "" : "; for example " + disagreements.subList(0, Math.min(3, disagreements.size()))));

    // stock
    Map<String, Long> sold = new HashMap<>();
    orders.values().stream().filter(order -> "COMPLETED".equals(order.status()))
        .forEach(order -> sold.merge(order.product(), (long) order.quantity(), Long::sum));
    Map<String, Long> held = new HashMap<>();
    reservations.values().stream().filter(reservation -> "RESERVED".equals(reservation.status()))
        .forEach(reservation -> held.merge(reservation.sku(), (long) reservation.quantity(), Long::sum));
    lines.add("stock       product  initial  remaining  sold  (initial = remaining + sold)");
    List<String> stockErrors = new ArrayList<>();
    for (Map.Entry<String, Integer> product : facts.initialStock().entrySet()) {
      String sku = product.getKey();
      int remaining = available.getOrDefault(sku, -1);
      long soldUnits = sold.getOrDefault(sku, 0L);
      boolean holds = product.getValue() == remaining + soldUnits && held.getOrDefault(sku, 0L) == soldUnits;
      lines.add(String.format(Locale.ROOT, "            %-7s  %7d  %9d  %4d  %s", sku, product.getValue(), remaining,
          soldUnits, holds ? "ok" : "MISMATCH (reserved " + held.getOrDefault(sku, 0L) + ")"));
      if (!holds) {
        stockErrors.add(sku);
      }
    }
    check("per product, initial stock = remaining + sold to completed orders", stockErrors.isEmpty(),
        stockErrors.isEmpty() ? facts.initialStock().size() + " products" : "mismatch for " + stockErrors);

    // payments
    long charged = payments.values().stream().filter(payment -> "CHARGED".equals(payment.status())).count();
    BigDecimal chargedAmount = payments.values().stream().filter(payment -> "CHARGED".equals(payment.status()))
        .map(PaymentRow::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    long completed = byStatus.getOrDefault("COMPLETED", 0L);
    BigDecimal completedAmount = orders.values().stream().filter(order -> "COMPLETED".equals(order.status()))
        .map(OrderRow::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    long declined = payments.values().stream().filter(payment -> "DECLINED".equals(payment.status())).count();
    long refunded = payments.values().stream().filter(payment -> "REFUNDED".equals(payment.status())).count();
    lines.add(String.format(Locale.ROOT, "payments    %d charged for %s; completed orders %d for %s; %s",
        charged, chargedAmount.toPlainString(), completed, completedAmount.toPlainString(), flow == Flow.SAGA
            ? refunded + " refunded (declined charges write nothing: the refusal is the saga's reason)"
            : declined + " declined"));
    check("payments charged = completed orders (count and amount)",
        charged == completed && chargedAmount.compareTo(completedAmount) == 0,
        charged + " charged for " + chargedAmount.toPlainString() + ", " + completed + " completed for "
            + completedAmount.toPlainString());

    // events: published if and only if committed
    lines.add("events      service            committed  in Kafka  topics");
    List<String> eventErrors = new ArrayList<>();
    Set<String> allCommitted = new HashSet<>();
    for (ShopService service : ShopService.values()) {
      Set<String> committed = outboxIds(shop.database(service).dataSource());
      allCommitted.addAll(committed);
      Set<String> published = new HashSet<>();
      service.publishedTopics(flow).forEach(topic -> published.addAll(topics.get(topic).ids()));
      Set<String> unpublished = new HashSet<>(committed);
      unpublished.removeAll(published);
      lines.add(String.format(Locale.ROOT, "            %-17s  %9d  %8d  %s", service.serviceName(), committed.size(),
          committed.size() - unpublished.size(), String.join(", ", service.publishedTopics(flow))));
      if (!unpublished.isEmpty()) {
        eventErrors.add(service.serviceName() + ": " + unpublished.size() + " committed but not in Kafka");
      }
    }
    lines.add("            topic                       records  distinct  re-sent by relay  copies injected");
    for (Map.Entry<String, TopicContent> topic : topics.entrySet()) {
      TopicContent content = topic.getValue();
      int copies = facts.redelivery().copiesIn(topic.getKey());
      lines.add(String.format(Locale.ROOT, "            %-26s  %7d  %8d  %16d  %15d", topic.getKey(), content.records(),
          content.ids().size(), content.records() - copies - content.ids().size(), copies));
      Set<String> unknown = new HashSet<>(content.ids());
      unknown.removeAll(allCommitted);
      if (!unknown.isEmpty()) {
        eventErrors.add(topic.getKey() + ": " + unknown.size() + " in Kafka but never committed");
      }
    }
    check("every committed event reached Kafka, and nothing else did", eventErrors.isEmpty(),
        eventErrors.isEmpty() ? "outbox rows = distinct event ids, per service" : String.join("; ", eventErrors));

    // inbox: exactly once, duplicates absorbed
    lines.add("inbox       service            deliveries  failed  effects  expected  duplicates absorbed  copies injected");
    List<String> onceErrors = new ArrayList<>();
    List<String> countErrors = new ArrayList<>();
    List<String> absorbErrors = new ArrayList<>();
    long absorbedTotal = 0;
    long handledCopies = 0;
    String restartNote = null;
    for (ShopService service : ShopService.values()) {
      Set<String> expected = new HashSet<>();
      for (String topic : service.consumedTopics(flow)) {
        topics.get(topic).idsByType().forEach((type, ids) -> {
          if (service.handledEventTypes(flow).contains(type)) {
            expected.addAll(ids);
          }
        });
      }
      long effects = inboxRows(shop.database(service).dataSource(), service.serviceName());
      InboxCounts counts = inboxCounts(service);
      long deliveries = counts.deliveries();
      long failedAttempts = counts.failures();
      long absorbed = counts.duplicates();
      absorbedTotal += absorbed;
      int copies = facts.redelivery().copiesOf(service.consumedTopics(flow), service.handledEventTypes(flow));
      handledCopies += copies;
      lines.add(String.format(Locale.ROOT, "            %-17s  %10d  %6d  %7d  %8d  %19d  %15d", service.serviceName(),
          deliveries, failedAttempts, effects, expected.size(), absorbed, copies));
      if (effects != expected.size()) {
        onceErrors.add(service.serviceName() + " applied " + effects + " of " + expected.size() + " events");
      }
      // the orchestrator process's meters count from its last start: the rows written before it are not theirs
      long before = service == ShopService.ORDER && facts.orchestratorKill() != null
          ? facts.orchestratorKill().inboxRowsAtRestart() : 0;
      if (counts.processed() + before != effects) {
        // each inbox row is one processed delivery (the inboxes start empty): the meters account for every row
        countErrors.add(service.serviceName() + " counted " + counts.processed() + " processed"
            + (before > 0 ? " since its orchestrator's restart, after " + before + " inbox rows," : "") + " for "
            + effects + " inbox rows");
      }
      if (before > 0) {
        restartNote = String.format(Locale.ROOT, "            (%s's meters count from its orchestrator's restart: "
            + "%d of its %d inbox rows were written before)", service.serviceName(), before, effects);
      }
      if (absorbed < copies) {
        absorbErrors.add(service.serviceName() + " absorbed " + absorbed + " duplicates, fewer than the " + copies
            + " copies injected");
      }
    }
    if (restartNote != null) {
      lines.add(restartNote);
    }
    onceErrors.addAll(countErrors);
    check("each consumer applied each event exactly once (effects = distinct events)", onceErrors.isEmpty(),
        onceErrors.isEmpty() ? "inbox rows = distinct handled event ids = processed, per service"
            : String.join("; ", onceErrors));
    check("every redelivered copy was absorbed by the inbox", absorbErrors.isEmpty(),
        absorbErrors.isEmpty() ? handledCopies + " copies of handled event types delivered, " + absorbedTotal
            + " duplicates absorbed; copies of other types are filtered out before the inbox"
            : String.join("; ", absorbErrors));
    check("no dead letters", deadLetters == 0, deadLetters + " records in dead-letter topics");
    check("the system went quiet (no PENDING order, no consumer lag, every event relayed)", facts.quiet(),
        facts.quiet() ? "yes" : "not within " + facts.quietTimeoutSeconds() + " s");

    if (flow == Flow.SAGA) {
      new SagaAudit(shop, lines, invariants).check(sagas, facts.orchestratorKill());
    }

    // latency
    lines.add("latency     order placed -> final status: " + latency());
    lines.add("faults      relay restarts: " + facts.relayRestarts() + "; copies of consumed records injected: "
        + facts.redelivery().copies() + " " + facts.redelivery().byEventType()
        + (flow == Flow.SAGA ? "; payment's replies held back: " + facts.repliesHeld()
            + "; payment's saga commands stopped: " + facts.participantStops()
            + "; orchestrator killed (SIGKILL): " + (facts.orchestratorKill() == null ? 0
                : String.format(Locale.ROOT, "1 (a new process ran %.1f s later)",
                    facts.orchestratorKill().secondsDown())) : ""));

    lines.add("");
    lines.add("Invariants");
    for (Invariant invariant : invariants) {
      lines.add(String.format(Locale.ROOT, "  [%s] %s (%s)", invariant.holds() ? " ok " : "FAIL", invariant.name(),
          invariant.detail()));
    }
    lines.add("");
    List<Invariant> broken = invariants.stream().filter(invariant -> !invariant.holds()).toList();
    lines.add(broken.isEmpty()
        ? "RESULT: all " + invariants.size() + " invariants hold"
        : "RESULT: " + broken.size() + " of " + invariants.size() + " invariants broken: "
            + String.join("; ", broken.stream().map(Invariant::name).toList()));
    return new ShopReport(facts.accepted(), byStatus, facts.relayRestarts(), facts.redelivery().copies(),
        absorbedTotal, invariants, lines);
  }

  private void check(String name, boolean holds, String detail) {
    invariants.add(new Invariant(name, holds, detail));
  }

  /** Why the order's outcome and the other services' records of it disagree, or null when they agree. */
  private static @Nullable String disagreement(OrderRow order, @Nullable ReservationRow reservation,
      @Nullable PaymentRow payment) {
    String reservationStatus = reservation == null ? "none" : reservation.status();
    String paymentStatus = payment == null ? "none" : payment.status();
    String expectedReservation;
    String expectedPayment;
    switch (order.status()) {
      case "PENDING" -> {
        return null; // reported by its own invariant
      }
      case "COMPLETED" -> {
        expectedReservation = "RESERVED";
        expectedPayment = "CHARGED";
      }
      default -> {
        String code = reasonCode(order.reason());
        if ("OUT_OF_STOCK".equals(code)) {
          expectedReservation = "REJECTED";
          expectedPayment = "none";
        } else {
          expectedReservation = "RELEASED";
          expectedPayment = "DECLINED";
        }
      }
    }
    boolean sameOrder = (reservation == null
        || (reservation.sku().equals(order.product()) && reservation.quantity() == order.quantity()))
        && (payment == null || payment.amount().compareTo(order.amount()) == 0);
    if (expectedReservation.equals(reservationStatus) && expectedPayment.equals(paymentStatus) && sameOrder) {
      return null;
    }
    return order.status() + " (" + order.reason() + "), reservation " + reservationStatus + ", payment " + paymentStatus
        + (sameOrder ? "" : ", different product, quantity or amount");
  }

  /**
   * The saga flow: why the order's outcome, its saga and the participants' records of it disagree, or null.
   * A cancelled order holds nothing: no reservation or a released one, no payment or a refunded one; out of
   * stock, it was never charged; declined, its stock was reserved and released.
   */
  private static @Nullable String sagaDisagreement(OrderRow order, @Nullable ReservationRow reservation,
      @Nullable PaymentRow payment, @Nullable SagaRow saga) {
    String reservationStatus = reservation == null ? "none" : reservation.status();
    String paymentStatus = payment == null ? "none" : payment.status();
    String sagaState = saga == null ? "none" : saga.state();
    boolean agrees;
    switch (order.status()) {
      case "PENDING" -> {
        return null; // reported by its own invariant
      }
      case "COMPLETED" -> agrees = "COMPLETED".equals(sagaState) && "RESERVED".equals(reservationStatus)
          && "CHARGED".equals(paymentStatus);
      default -> {
        String code = reasonCode(order.reason());
        // whatever was applied is undone; a refused command writes nothing, but a copy of it sent again after a
        // timeout may have been applied later (the stock had come back meanwhile): then it was undone too
        boolean undone = ("none".equals(reservationStatus) || "RELEASED".equals(reservationStatus))
            && ("none".equals(paymentStatus) || "REFUNDED".equals(paymentStatus));
        boolean effects = undone && switch (code) {
          case "OUT_OF_STOCK" -> "none".equals(paymentStatus); // the payment step never began
          case "PAYMENT_DECLINED" -> "RELEASED".equals(reservationStatus); // the stock step had succeeded
          default -> true; // a step without reply
        };
        agrees = "COMPENSATED".equals(sagaState) && effects;
      }
    }
    boolean sameOrder = (reservation == null
        || (reservation.sku().equals(order.product()) && reservation.quantity() == order.quantity()))
        && (payment == null || payment.amount().compareTo(order.amount()) == 0);
    if (agrees && sameOrder) {
      return null;
    }
    return order.status() + " (" + order.reason() + "), saga " + sagaState + ", reservation " + reservationStatus
        + ", payment " + paymentStatus + (sameOrder ? "" : ", different product, quantity or amount");
  }

  private static String reasonCode(@Nullable String reason) {
    if (reason == null) {
      return "none";
    }
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }

  private static TopicContent content(List<ConsumerRecord<byte[], byte[]>> records) {
    Set<String> ids = new HashSet<>();
    Map<String, Set<String>> idsByType = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String id = Faults.eventId(record);
      ids.add(id);
      idsByType.computeIfAbsent(Faults.eventType(record), type -> new HashSet<>()).add(id);
    }
    return new TopicContent(records.size(), ids, idsByType);
  }

  private Map<UUID, OrderRow> orders() throws SQLException {
    Map<UUID, OrderRow> orders = new HashMap<>();
    query(ShopService.ORDER, "SELECT id, product, quantity, amount, status, reason FROM orders", rs ->
        orders.put(rs.getObject(1, UUID.class), new OrderRow(rs.getString(2), rs.getInt(3), rs.getBigDecimal(4),
            rs.getString(5), rs.getString(6))));
    return orders;
  }

  private Map<UUID, ReservationRow> reservations() throws SQLException {
    Map<UUID, ReservationRow> reservations = new HashMap<>();
    query(ShopService.INVENTORY, "SELECT order_id, sku, quantity, status FROM reservation", rs ->
        reservations.put(rs.getObject(1, UUID.class), new ReservationRow(rs.getString(2), rs.getInt(3),
            rs.getString(4))));
    return reservations;
  }

  private Map<UUID, PaymentRow> payments() throws SQLException {
    Map<UUID, PaymentRow> payments = new HashMap<>();
    query(ShopService.PAYMENT, "SELECT order_id, amount, status FROM payment", rs ->
        payments.put(rs.getObject(1, UUID.class), new PaymentRow(rs.getBigDecimal(2), rs.getString(3))));
    return payments;
  }

  private Map<String, Integer> available() throws SQLException {
    Map<String, Integer> available = new HashMap<>();
    query(ShopService.INVENTORY, "SELECT sku, available FROM product", rs ->
        available.put(rs.getString(1), rs.getInt(2)));
    return available;
  }

  private static Set<String> outboxIds(DataSource dataSource) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement("SELECT id::text FROM outbox_event");
         ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** The service's {@code outboxkit.inbox.*} counters for its consumer name (0 for a meter not there yet). */
  private InboxCounts inboxCounts(ShopService service) throws IOException, InterruptedException {
    return new InboxCounts(counter(service, "outboxkit.inbox.processed"),
        counter(service, "outboxkit.inbox.duplicates"), counter(service, "outboxkit.inbox.failures"));
  }

  private long counter(ShopService service, String meter) throws IOException, InterruptedException {
    // in the saga flow the order service's replies are consumed by its orchestrator process
    URI base = service == ShopService.ORDER ? shop.orchestratorUri() : shop.uri(service);
    JsonNode metric = http.find(base.resolve("/actuator/metrics/" + meter + "?tag=consumer:"
        + service.serviceName()));
    if (metric == null) {
      return 0; // a consumer's meters appear with its first record
    }
    for (JsonNode measurement : metric.get("measurements")) {
      if ("COUNT".equals(measurement.get("statistic").asString())) {
        return Math.round(measurement.get("value").asDouble());
      }
    }
    throw new IOException(meter + " of " + service.serviceName() + " has no COUNT: " + metric);
  }

  /** The inbox rows of a consumer: one per event it applied. */
  static long inboxRows(DataSource dataSource, String consumer) throws SQLException {
    try (Connection connection = dataSource.getConnection();
         PreparedStatement statement = connection.prepareStatement(
             "SELECT count(*) FROM inbox_message WHERE consumer = ?")) {
      statement.setString(1, consumer);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private String latency() throws SQLException {
    String[] result = new String[1];
    query(ShopService.ORDER, """
        SELECT count(*),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY ms),
               percentile_disc(0.9) WITHIN GROUP (ORDER BY ms),
               percentile_disc(0.99) WITHIN GROUP (ORDER BY ms),
               max(ms)
        FROM (SELECT extract(epoch FROM finished_at - created_at) * 1000 AS ms FROM orders
              WHERE finished_at IS NOT NULL) latencies""", rs -> {
          if (rs.getLong(1) == 0) {
            result[0] = "no finished orders";
          } else {
            result[0] = String.format(Locale.ROOT, "p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms (%d orders)",
                rs.getDouble(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5), rs.getLong(1));
          }
        });
    return Objects.requireNonNull(result[0]);
  }

  private interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  private void query(ShopService service, String sql, RowHandler handler) throws SQLException {
    try (Connection connection = shop.database(service).dataSource().getConnection();
         PreparedStatement statement = connection.prepareStatement(sql);
         ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        handler.row(rs);
      }
    }
  }
}
