package io.outboxkit.samples.payment;

import io.outboxkit.samples.payment.SagaEvents.PaymentCompleted;
import io.outboxkit.samples.payment.SagaEvents.PaymentFailed;
import io.outboxkit.samples.payment.SagaEvents.StockReserved;
import io.outboxkit.writer.OutboxWriter;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customer accounts and payments. Each payment decision and its event are written in one transaction: the
 * outbox writer joins the transaction of this service's DataSource.
 */
@Service
class Payments {

  private final JdbcClient jdbc;
  private final OutboxWriter outbox;

  Payments(JdbcClient jdbc, OutboxWriter outbox) {
    this.jdbc = jdbc;
    this.outbox = outbox;
  }

  /** A customer's account. */
  record AccountView(String customerId, BigDecimal creditLimit) {
  }

  /** An order's payment: {@code CHARGED} or {@code DECLINED} with the reason. */
  record PaymentView(UUID orderId, String customerId, BigDecimal amount, String status, @Nullable String reason) {
  }

  /** Charges or declines the order whose stock was reserved, with {@code PaymentCompleted} or {@code PaymentFailed}. */
  @Transactional
  public void charge(StockReserved order) {
    BigDecimal creditLimit = jdbc.sql("SELECT credit_limit FROM customer_account WHERE customer_id = ?")
        .param(order.customerId()).query(BigDecimal.class).optional().orElse(null);
    PaymentRule.Decision decision = PaymentRule.decide(order.customerId(), order.amount(), creditLimit);
    jdbc.sql("""
            INSERT INTO payment (order_id, customer_id, amount, status, reason, created_at)
            VALUES (?, ?, ?, ?, ?, clock_timestamp())""")
        .params(order.orderId(), order.customerId(), order.amount(), decision.charged() ? "CHARGED" : "DECLINED",
            decision.reason())
        .update();
    String key = order.orderId().toString();
    if (decision.charged()) {
      outbox.publish(Topics.PAYMENT_AGGREGATE, key, "PaymentCompleted",
          new PaymentCompleted(order.orderId(), order.customerId(), order.amount()));
    } else {
      outbox.publish(Topics.PAYMENT_AGGREGATE, key, "PaymentFailed",
          new PaymentFailed(order.orderId(), order.customerId(), order.amount(), String.valueOf(decision.reason())));
    }
  }

  /** Opens a customer's account or changes its credit limit; an administrative change, without an event. */
  @Transactional
  public AccountView setCreditLimit(String customerId, BigDecimal creditLimit) {
    jdbc.sql("""
            INSERT INTO customer_account (customer_id, credit_limit) VALUES (?, ?)
            ON CONFLICT (customer_id) DO UPDATE SET credit_limit = excluded.credit_limit""")
        .params(customerId, creditLimit)
        .update();
    return account(customerId).orElseThrow();
  }

  @Transactional(readOnly = true)
  public Optional<AccountView> account(String customerId) {
    return jdbc.sql("SELECT customer_id, credit_limit FROM customer_account WHERE customer_id = ?")
        .param(customerId).query(AccountView.class).optional();
  }

  @Transactional(readOnly = true)
  public Optional<PaymentView> payment(UUID orderId) {
    return jdbc.sql("SELECT order_id, customer_id, amount, status, reason FROM payment WHERE order_id = ?")
        .param(orderId).query(PaymentView.class).optional();
  }
}
