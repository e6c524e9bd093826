package io.outboxkit.samples.shop;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the demo sells and to whom, and the orders its clients place. The mix makes some orders fail:
 *
 * <ul>
 *   <li>on stock: products {@code p-01} and {@code p-02} get about 40% of the units ordered of them, and 1% of
 *       the orders ask for the unknown product {@code p-99};
 *   <li>on payment: every fourth customer has a credit limit of 150.00 (the others 1,000.00), which the pricier
 *       orders exceed, and 2% of the orders come from {@code guest}, who has no account.
 * </ul>
 *
 * <p>The same seed gives the same orders.
 */
final class Catalog {

  static final String UNKNOWN_PRODUCT = "p-99";
  static final String UNKNOWN_CUSTOMER = "guest";
  private static final BigDecimal UNKNOWN_PRODUCT_PRICE = new BigDecimal("10.00");
  private static final List<String> PRICES =
      List.of("12.50", "19.90", "24.00", "35.00", "49.90", "64.00", "89.00", "120.00");
  private static final int SCARCE_PRODUCTS = 2;
  private static final int CUSTOMERS = 40;

  /** A product with its price and the stock the demo gives it before the first order. */
  record Product(String sku, BigDecimal price, int initialStock) {
  }

  /** A customer with the credit limit (per order) the demo gives it. */
  record Customer(String customerId, BigDecimal creditLimit) {
  }

  /** One order a client places. */
  record PlannedOrder(String customerId, String product, int quantity, BigDecimal amount) {
  }

  private final List<Product> products;
  private final List<Customer> customers;

  private Catalog(List<Product> products, List<Customer> customers) {
    this.products = products;
    this.customers = customers;
  }

  /** Products stocked for {@code orders} orders: the scarce ones short, the others plentiful. */
  static Catalog forOrders(int orders) {
    // each product is ordered by about 1/8 of the orders, 2 units on average
    int expectedUnits = Math.max(50, orders / 4);
    List<Product> products = new ArrayList<>();
    for (int i = 0; i < PRICES.size(); i++) {
      int stock = i < SCARCE_PRODUCTS ? expectedUnits * 2 / 5 : expectedUnits * 2;
      products.add(new Product(String.format("p-%02d", i + 1), new BigDecimal(PRICES.get(i)), stock));
    }
    List<Customer> customers = new ArrayList<>();
    for (int i = 1; i <= CUSTOMERS; i++) {
      customers.add(new Customer(String.format("c-%02d", i), new BigDecimal(i % 4 == 0 ? "150.00" : "1000.00")));
    }
    return new Catalog(List.copyOf(products), List.copyOf(customers));
  }

  List<Product> products() {
    return products;
  }

  List<Customer> customers() {
    return customers;
  }

  /** Initial stock by SKU. */
  Map<String, Integer> initialStock() {
    Map<String, Integer> stock = new LinkedHashMap<>();
    products.forEach(product -> stock.put(product.sku(), product.initialStock()));
    return stock;
  }

  /** The orders the clients place, in order: the same seed gives the same list. */
  List<PlannedOrder> plan(int orders, long seed) {
    Random random = new Random(seed);
    List<PlannedOrder> plan = new ArrayList<>(orders);
    for (int i = 0; i < orders; i++) {
      String sku;
      BigDecimal price;
      if (random.nextInt(100) == 0) {
        sku = UNKNOWN_PRODUCT;
        price = UNKNOWN_PRODUCT_PRICE;
      } else {
        Product product = products.get(random.nextInt(products.size()));
        sku = product.sku();
        price = product.price();
      }
      String customerId = random.nextInt(50) == 0
          ? UNKNOWN_CUSTOMER
          : customers.get(random.nextInt(customers.size())).customerId();
      int quantity = 1 + random.nextInt(3);
      plan.add(new PlannedOrder(customerId, sku, quantity, price.multiply(BigDecimal.valueOf(quantity))));
    }
    return plan;
  }
}
