package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;

import io.outboxkit.samples.shop.Catalog.PlannedOrder;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogTest {

  @Test
  void theSameSeedPlacesTheSameOrders() {
    Catalog catalog = Catalog.forOrders(500);
    assertThat(catalog.plan(500, 42)).isEqualTo(catalog.plan(500, 42)).isNotEqualTo(catalog.plan(500, 43));
  }

  @Test
  void theMixFailsSomeOrdersOnStockAndSomeOnPayment() {
    Catalog catalog = Catalog.forOrders(2000);
    List<PlannedOrder> plan = catalog.plan(2000, 42);

    long unitsOfScarceProduct = plan.stream().filter(order -> order.product().equals("p-01"))
        .mapToLong(PlannedOrder::quantity).sum();
    assertThat(catalog.initialStock().get("p-01")).isLessThan((int) unitsOfScarceProduct / 2);
    long unitsOfPlentifulProduct = plan.stream().filter(order -> order.product().equals("p-05"))
        .mapToLong(PlannedOrder::quantity).sum();
    assertThat(catalog.initialStock().get("p-05")).isGreaterThan((int) unitsOfPlentifulProduct);

    long overLimit = plan.stream().filter(order -> catalog.customers().stream()
        .anyMatch(customer -> customer.customerId().equals(order.customerId())
            && order.amount().compareTo(customer.creditLimit()) > 0)).count();
    assertThat(overLimit).isBetween(100L, 300L);
    assertThat(plan).anyMatch(order -> order.customerId().equals(Catalog.UNKNOWN_CUSTOMER));
    assertThat(plan).anyMatch(order -> order.product().equals(Catalog.UNKNOWN_PRODUCT));
    assertThat(plan).allMatch(order -> order.amount().signum() > 0 && order.amount().scale() == 2
        && order.quantity() >= 1 && order.quantity() <= 3);
    assertThat(plan.get(0).amount()).isInstanceOf(BigDecimal.class);
  }
}
