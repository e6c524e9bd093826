package io.outboxkit.samples.shop;

import io.outboxkit.samples.shop.Catalog.PlannedOrder;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Concurrent clients that place the planned orders with {@code POST /orders}, each client one request at a
 * time, until the plan is used up. Remembers the id of every order the service accepted.
 */
final class OrderClients {

  private final ShopHttp http;
  private final URI orders;
  private final List<PlannedOrder> plan;
  private final int clients;
  private final long nanosBetweenOrders;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<@Nullable String> firstFailure = new AtomicReference<>();
  private final Set<UUID> acceptedIds = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private volatile long startedNanos;
  private volatile long finishedNanos;

  /** @param rate orders per second, all clients together; 0 for as fast as the service answers */
  OrderClients(ShopHttp http, URI orderService, List<PlannedOrder> plan, int clients, int rate) {
    this.http = http;
    this.orders = orderService.resolve("/orders");
    this.plan = plan;
    this.clients = clients;
    this.nanosBetweenOrders = rate == 0 ? 0 : 1_000_000_000L / rate;
  }

  void start() {
    startedNanos = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      Thread thread = new Thread(this::placeOrders, "shop-client-" + (i + 1));
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  void await() throws InterruptedException {
    for (Thread thread : threads) {
      thread.join();
    }
    finishedNanos = System.nanoTime();
  }

  private void placeOrders() {
    int index;
    while ((index = next.getAndIncrement()) < plan.size()) {
      PlannedOrder order = plan.get(index);
      try {
        long due = startedNanos + index * nanosBetweenOrders;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        ShopHttp.Response response = http.post(orders, Map.of("customerId", order.customerId(),
            "product", order.product(), "quantity", order.quantity(), "amount", order.amount()));
        if (response.status() == 201) {
          acceptedIds.add(UUID.fromString(http.parse(response.body()).get("orderId").asString()));
          accepted.incrementAndGet();
        } else {
          fail("POST /orders answered " + response.status() + ": " + response.body());
        }
      } catch (IOException | RuntimeException e) {
        fail("POST /orders failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void fail(String reason) {
    failed.incrementAndGet();
    firstFailure.compareAndSet(null, reason);
  }

  /** Requests sent so far (answered or failed). */
  int sent() {
    return accepted.get() + failed.get();
  }

  int accepted() {
    return accepted.get();
  }

  int failed() {
    return failed.get();
  }

  @Nullable String firstFailure() {
    return firstFailure.get();
  }

  Set<UUID> acceptedIds() {
    return Set.copyOf(acceptedIds);
  }

  /** Seconds from the first request to the last answer. */
  double seconds() {
    return (finishedNanos - startedNanos) / 1e9;
  }
}
