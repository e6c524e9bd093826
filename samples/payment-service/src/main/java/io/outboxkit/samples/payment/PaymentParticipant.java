package io.outboxkit.samples.payment;

import io.outboxkit.saga.Reply;
import io.outboxkit.saga.SagaParticipant;
import io.outboxkit.writer.OutboxWriter;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The payment service in the orchestrated saga ({@code shop.flow=saga}, the default): it takes the order
 * service's {@code ChargePayment} and {@code RefundPayment} commands from {@code outbox.event.payment} and
 * replies to {@code outbox.event.saga-replies}. Each command runs behind the saga barrier, in one transaction
 * with its inbox row and its reply: a charge delivered or sent twice charges once, and a refund that arrives
 * before its charge blocks the late charge.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "shop.flow", havingValue = "saga", matchIfMissing = true)
class PaymentParticipant {

  /** Charge the customer the order's amount. */
  record ChargePayment(UUID orderId, String customerId, BigDecimal amount) {
  }

  /** Refund the order's charge. */
  record RefundPayment(UUID orderId) {
  }

  @Bean
  SagaParticipant paymentCommands(DataSource dataSource, OutboxWriter outbox) {
    return SagaParticipant.builder(dataSource, outbox)
        .onAction("ChargePayment", ChargePayment.class, (command, context) -> charge(context.connection(), command))
        .onCompensation("RefundPayment", RefundPayment.class, (command, context) -> {
          refund(context.connection(), command.orderId());
          return Reply.success();
        })
        .build();
  }

  /**
   * Charges the order when the customer's credit limit allows it ({@link PaymentRule}); else refuses with
   * {@code PAYMENT_DECLINED} (nothing is written, the saga compensates).
   */
  static Reply charge(Connection connection, ChargePayment command) throws SQLException {
    BigDecimal creditLimit = null;
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT credit_limit FROM customer_account WHERE customer_id = ?")) {
      select.setString(1, command.customerId());
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          creditLimit = rs.getBigDecimal(1);
        }
      }
    }
    PaymentRule.Decision decision = PaymentRule.decide(command.customerId(), command.amount(), creditLimit);
    if (!decision.charged()) {
      return Reply.failure("PAYMENT_DECLINED: " + decision.reason());
    }
    try (PreparedStatement insert = connection.prepareStatement("""
        INSERT INTO payment (order_id, customer_id, amount, status, created_at)
        VALUES (?, ?, ?, 'CHARGED', clock_timestamp())""")) {
      insert.setObject(1, command.orderId());
      insert.setString(2, command.customerId());
      insert.setBigDecimal(3, command.amount());
      insert.executeUpdate();
    }
    return Reply.success();
  }

  /** Marks the order's charge refunded; nothing to do when the order was never charged. */
  static void refund(Connection connection, UUID orderId) throws SQLException {
    try (PreparedStatement refund = connection.prepareStatement("""
        UPDATE payment SET status = 'REFUNDED', reason = 'refunded: the order was cancelled'
        WHERE order_id = ? AND status = 'CHARGED'""")) {
      refund.setObject(1, orderId);
      refund.executeUpdate();
    }
  }
}
