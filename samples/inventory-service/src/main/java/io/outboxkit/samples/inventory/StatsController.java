package io.outboxkit.samples.inventory;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /stats}: deliveries of handled events received since the start, failed attempts, and effects
 * applied (the inbox's rows of this service, one per event processed). Received minus failed minus applied
 * is the number of duplicates the inbox absorbed (when the service started with an empty inbox).
 */
@RestController
class StatsController {

  private final Deliveries deliveries;
  private final JdbcClient jdbc;

  StatsController(Deliveries deliveries, JdbcClient jdbc) {
    this.deliveries = deliveries;
    this.jdbc = jdbc;
  }

  @GetMapping("/stats")
  Map<String, Object> stats() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("service", "inventory-service");
    stats.put("deliveriesReceived", deliveries.received());
    stats.put("failedAttempts", deliveries.failedAttempts());
    stats.put("effectsApplied", jdbc.sql("SELECT count(*) FROM inbox_message WHERE consumer = 'inventory-service'")
        .query(Long.class).single());
    return stats;
  }
}
