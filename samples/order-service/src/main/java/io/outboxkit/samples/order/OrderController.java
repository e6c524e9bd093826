package io.outboxkit.samples.order;

import io.outboxkit.samples.order.Orders.OrderView;
import java.math.BigDecimal;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code POST /orders}, {@code GET /orders/{id}} and {@code GET /orders/summary}. */
@RestController
@RequestMapping("/orders")
class OrderController {

  private final Orders orders;

  OrderController(Orders orders) {
    this.orders = orders;
  }

  /** The body of {@code POST /orders}. */
  record PlaceOrder(@Nullable String customerId, @Nullable String product, @Nullable Integer quantity,
      @Nullable BigDecimal amount) {
  }

  @PostMapping
  ResponseEntity<OrderView> place(@RequestBody PlaceOrder request) {
    String customerId = required("customerId", request.customerId());
    String product = required("product", request.product());
    Integer quantity = request.quantity();
    if (quantity == null || quantity < 1) {
      throw badRequest("quantity must be a whole number of at least 1");
    }
    BigDecimal amount = request.amount();
    if (amount == null || amount.signum() <= 0 || amount.scale() > 2 || amount.precision() - amount.scale() > 10) {
      throw badRequest("amount must be a positive amount with at most 2 decimals, below 10^10");
    }
    OrderView order = orders.place(customerId, product, quantity, amount);
    return ResponseEntity.created(URI.create("/orders/" + order.orderId())).body(order);
  }

  @GetMapping("/{orderId}")
  OrderView get(@PathVariable UUID orderId) {
    return orders.find(orderId)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + orderId));
  }

  /** Orders by status, for example {@code {"CANCELLED": 12, "COMPLETED": 80, "PENDING": 3}}. */
  @GetMapping("/summary")
  Map<String, Long> summary() {
    return orders.countByStatus();
  }

  private static String required(String field, @Nullable String value) {
    if (value == null || value.isBlank() || value.length() > 64) {
      throw badRequest(field + " is required: 1 to 64 characters");
    }
    return value;
  }

  private static ResponseStatusException badRequest(String reason) {
    return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
  }
}
