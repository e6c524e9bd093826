package io.outboxkit.samples.shop;

import io.outboxkit.samples.shop.TraceTree.SpanRow;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report's trace section: picks one cancelled order (in the saga flow a compensated saga, preferably one
 * whose compensation had to be retried, with the fewest step timeouts, declined by the payment service so that
 * its reservation had to be released), reads its trace back from the traces file and renders it as a tree.
 */
final class CompensatedOrderTrace {

  private static final int CANDIDATES = 30;
  /** A trace with many resends can be long: the report shows its first spans. */
  private static final int MAX_LINES = 80;

  private CompensatedOrderTrace() {
  }

  /** The section's lines; a line saying why when there is no trace to show. */
  static List<String> lines(Shop shop) {
    ShopTracing tracing = shop.tracing();
    List<String> lines = new ArrayList<>();
    try {
      tracing.flush();
      List<Path> files = new ArrayList<>(List.of(tracing.file()));
      if (shop.flow() == Flow.SAGA) {
        shop.orchestrators().forEach(orchestrator -> files.add(orchestrator.tracesFile()));
      }
      TraceTree spans = TraceTree.read(files);
      Map<String, String> candidates = candidates(shop);
      // a trace whose compensation began in an orchestrator killed before it wrote the spans is incomplete:
      // show a complete one, the first candidate's when there is none
      List<String> fallback = List.of();
      for (Map.Entry<String, String> candidate : candidates.entrySet()) {
        String orderId = candidate.getKey();
        Optional<String> traceId = shop.flow() == Flow.SAGA ? spans.traceOfSaga(orderId) : Optional.empty();
        if (traceId.isEmpty()) {
          traceId = spans.traceOfKey(orderId);
        }
        if (traceId.isEmpty()) {
          continue;
        }
        List<SpanRow> trace = spans.trace(traceId.get());
        List<String> shown = new ArrayList<>();
        shown.add(String.format(Locale.ROOT, "trace       order %s, %s: trace %s, %d spans from %s", orderId,
            candidate.getValue(), traceId.get(), trace.size(), String.join(", ", TraceTree.services(trace))));
        List<String> tree = TraceTree.render(trace);
        tree.stream().limit(MAX_LINES).map(line -> "          " + line).forEach(shown::add);
        if (tree.size() > MAX_LINES) {
          shown.add("            ... " + (tree.size() - MAX_LINES) + " more spans in the traces file");
        }
        if (shop.flow() != Flow.SAGA || tree.stream().anyMatch(line -> line.contains(TraceTree.COMPENSATION_MARK))) {
          lines.addAll(shown);
          return lines;
        }
        if (fallback.isEmpty()) {
          fallback = shown;
        }
      }
      if (!fallback.isEmpty()) {
        lines.addAll(fallback);
        return lines;
      }
      lines.add("trace       no cancelled order's trace in " + tracing.file() + " (" + spans.size() + " spans, "
          + candidates.size() + " cancelled orders looked at)");
    } catch (IOException | SQLException | RuntimeException e) {
      lines.add("trace       could not read the traces: " + e.getMessage());
    }
    return lines;
  }

  /** Cancelled orders, the most telling first, with a short description of each. */
  private static Map<String, String> candidates(Shop shop) throws SQLException {
    String sql = shop.flow() == Flow.SAGA ? """
        SELECT o.id::text, o.reason,
               count(*) FILTER (WHERE h.phase = 'COMPENSATION' AND h.event = 'RETRY_SCHEDULED') AS retries,
               count(*) FILTER (WHERE h.event = 'TIMED_OUT') AS timeouts,
               count(*) FILTER (WHERE h.event = 'IGNORED') AS ignored
        FROM orders o JOIN saga_instance i ON i.saga_id = o.id::text
             JOIN saga_step_history h ON h.saga_type = i.saga_type AND h.saga_id = i.saga_id
        WHERE i.state = 'COMPENSATED'
        GROUP BY o.id, o.reason
        ORDER BY (count(*) FILTER (WHERE h.phase = 'COMPENSATION' AND h.event = 'RETRY_SCHEDULED') > 0) DESC,
                 count(*) FILTER (WHERE h.event = 'TIMED_OUT'),
                 (o.reason LIKE 'PAYMENT_DECLINED%') DESC, o.id
        LIMIT ?""" : """
        SELECT o.id::text, o.reason, 0, 0, 0 FROM orders o WHERE o.status = 'CANCELLED'
        ORDER BY (o.reason LIKE 'PAYMENT_DECLINED%') DESC, o.id
        LIMIT ?""";
    Map<String, String> candidates = new LinkedHashMap<>();
    try (Connection connection = shop.database(ShopService.ORDER).dataSource().getConnection();
         PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, CANDIDATES);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          String reason = rs.getString(2);
          StringBuilder description = new StringBuilder("cancelled (")
              .append(reason == null ? "no reason" : reason.length() > 60 ? reason.substring(0, 60) + "..." : reason)
              .append(')');
          if (rs.getLong(3) > 0) {
            description.append(", compensation retried ").append(rs.getLong(3)).append(rs.getLong(3) == 1 ? " time" : " times");
          }
          candidates.put(rs.getString(1), description.toString());
        }
      }
    }
    return candidates;
  }
}
