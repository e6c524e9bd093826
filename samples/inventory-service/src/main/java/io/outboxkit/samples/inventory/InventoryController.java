package io.outboxkit.samples.inventory;

import io.outboxkit.samples.inventory.Inventory.ProductView;
import io.outboxkit.samples.inventory.Inventory.ReservationView;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code PUT /products/{sku}}, {@code GET /products[/{sku}]} and {@code GET /reservations/{orderId}}. */
@RestController
class InventoryController {

  private final Inventory inventory;

  InventoryController(Inventory inventory) {
    this.inventory = inventory;
  }

  /** The body of {@code PUT /products/{sku}}: the stock available for reservations. */
  record SetStock(@Nullable Integer available) {
  }

  @PutMapping("/products/{sku}")
  ProductView setStock(@PathVariable String sku, @RequestBody SetStock request) {
    Integer available = request.available();
    if (available == null || available < 0) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "available must be a whole number of at least 0");
    }
    if (sku.isBlank() || sku.length() > 64) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "sku must be 1 to 64 characters");
    }
    return inventory.setStock(sku, available);
  }

  @GetMapping("/products")
  List<ProductView> products() {
    return inventory.products();
  }

  @GetMapping("/products/{sku}")
  ProductView product(@PathVariable String sku) {
    return inventory.product(sku)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + sku));
  }

  @GetMapping("/reservations/{orderId}")
  ReservationView reservation(@PathVariable UUID orderId) {
    return inventory.reservation(orderId)
        .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no reservation for order " + orderId));
  }
}
