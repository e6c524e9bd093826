package io.outboxkit.samples.inventory;

import io.outboxkit.saga.Reply;
import io.outboxkit.saga.SagaParticipant;
import io.outboxkit.writer.OutboxWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The inventory service in the orchestrated saga ({@code shop.flow=saga}, the default): it takes the order
 * service's {@code ReserveStock} and {@code ReleaseStock} commands from {@code outbox.event.inventory} and
 * replies to {@code outbox.event.saga-replies}. Each command runs behind the saga barrier, in one transaction
 * with its inbox row and its reply: a command delivered or sent twice reserves once, a release before its
 * reservation is recorded and blocks the late reservation (no stock is held for a cancelled order).
 *
 * <p>{@code shop.fault.release-failures=N} (default 0) is a fault for the shop demo: the release of every third
 * order (by its id) fails its first N attempts, as a busy stock ledger would, so that the orchestrator's
 * compensation retry has to carry it through. The failed attempts are rolled back and replied to with
 * {@code ERROR}; the orchestrator sends the release again after its backoff.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "shop.flow", havingValue = "saga", matchIfMissing = true)
class StockParticipant {

  /** Hold the quantity of the product for the order. */
  record ReserveStock(UUID orderId, String product, int quantity) {
  }

  /** Give the order's reservation back. */
  record ReleaseStock(UUID orderId) {
  }

  @Bean
  SagaParticipant inventoryCommands(DataSource dataSource, OutboxWriter outbox,
      @Value("${shop.fault.release-failures:0}") int releaseFailures) {
    if (releaseFailures < 0) {
      throw new IllegalArgumentException("shop.fault.release-failures is " + releaseFailures
          + ": give the number of first release attempts to fail, 0 for none");
    }
    return SagaParticipant.builder(dataSource, outbox)
        .onAction("ReserveStock", ReserveStock.class, (command, context) -> reserve(context.connection(), command))
        .onCompensation("ReleaseStock", ReleaseStock.class, (command, context) -> {
          if (context.attempt() <= releaseFailures && failsRelease(command.orderId())) {
            throw new IllegalStateException("STOCK_LEDGER_BUSY: the release of order " + command.orderId()
                + " failed at attempt " + context.attempt() + " (shop.fault.release-failures=" + releaseFailures + ")");
          }
          release(context.connection(), command.orderId());
          return Reply.success();
        })
        .build();
  }

  /** Whether the demo's release fault applies to the order: every third order, by its id. */
  static boolean failsRelease(UUID orderId) {
    return Math.floorMod(orderId.hashCode(), 3) == 0;
  }

  /**
   * Takes the quantity from the available stock when there is enough, with the order's reservation; else
   * refuses with {@code OUT_OF_STOCK} (nothing is written, the saga compensates).
   */
  static Reply reserve(Connection connection, ReserveStock command) throws SQLException {
    try (PreparedStatement take = connection.prepareStatement(
        "UPDATE product SET available = available - ? WHERE sku = ? AND available >= ?")) {
      take.setInt(1, command.quantity());
      take.setString(2, command.product());
      take.setInt(3, command.quantity());
      if (take.executeUpdate() == 1) {
        try (PreparedStatement reservation = connection.prepareStatement("""
            INSERT INTO reservation (order_id, sku, quantity, status, created_at, updated_at)
            VALUES (?, ?, ?, 'RESERVED', clock_timestamp(), clock_timestamp())""")) {
          reservation.setObject(1, command.orderId());
          reservation.setString(2, command.product());
          reservation.setInt(3, command.quantity());
          reservation.executeUpdate();
        }
        return Reply.success();
      }
    }
    Integer available = null;
    try (PreparedStatement select = connection.prepareStatement("SELECT available FROM product WHERE sku = ?")) {
      select.setString(1, command.product());
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          available = rs.getInt(1);
        }
      }
    }
    return Reply.failure("OUT_OF_STOCK: " + (available == null ? "unknown product " + command.product()
        : command.quantity() + " of " + command.product() + " requested, " + available + " available"));
  }

  /** Puts the order's reserved quantity back; nothing to do when the order holds no reservation. */
  static void release(Connection connection, UUID orderId) throws SQLException {
    try (PreparedStatement released = connection.prepareStatement("""
        UPDATE reservation SET status = 'RELEASED', updated_at = clock_timestamp()
        WHERE order_id = ? AND status = 'RESERVED'
        RETURNING sku, quantity""")) {
      released.setObject(1, orderId);
      try (ResultSet rs = released.executeQuery()) {
        if (!rs.next()) {
          return;
        }
        try (PreparedStatement giveBack = connection.prepareStatement(
            "UPDATE product SET available = available + ? WHERE sku = ?")) {
          giveBack.setInt(1, rs.getInt(2));
          giveBack.setString(2, rs.getString(1));
          giveBack.executeUpdate();
        }
      }
    }
  }
}
