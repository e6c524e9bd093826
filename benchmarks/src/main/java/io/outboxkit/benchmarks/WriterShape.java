package io.outboxkit.benchmarks;

import java.util.Locale;

/**
 * What one business transaction of the writer benchmark writes, without OutboxKit and with it: order rows
 * (each with a {@value Payloads#SIZE}-byte JSON document), order-line rows, and the events OutboxKit adds (one
 * per order at most, each {@value Payloads#SIZE} bytes).
 *
 * @param id the shape's key in the results: {@code order} or {@code bulk}
 * @param orders rows of {@code bench_order} per transaction
 * @param linesPerOrder rows of {@code bench_order_line} per order
 * @param events events OutboxKit's variants add to the transaction, 1 to {@code orders}
 */
record WriterShape(String id, int orders, int linesPerOrder, int events) {

  /** The lines of an order in the order shape. */
  static final int ORDER_LINES = 3;

  /** The common shape: one order, {@value #ORDER_LINES} order lines and one event, as a service takes an order. */
  static final WriterShape ORDER = new WriterShape("order", 1, ORDER_LINES, 1);

  WriterShape {
    if (orders < 1 || linesPerOrder < 0) {
      throw new IllegalArgumentException("a writer shape needs at least one order and no negative line count");
    }
    if (events < 1 || events > orders) {
      throw new IllegalArgumentException("events per transaction must be 1-" + orders + ", was " + events);
    }
  }

  /** The bulk shape: {@value BusinessRows#BULK_ORDERS} orders, no lines, and {@code events} events. */
  static WriterShape bulk(int events) {
    return new WriterShape("bulk", BusinessRows.BULK_ORDERS, 0, events);
  }

  /** Business rows per transaction: orders and their lines. */
  int businessRows() {
    return orders * (1 + linesPerOrder);
  }

  /** Rows per transaction with OutboxKit's events (each event one row, or one WAL message). */
  int rowsWithEvents() {
    return businessRows() + events;
  }

  /**
   * The ratio (with events / without) a transaction in table mode would reach if its cost were only the rows
   * it writes: {@code businessRows / (businessRows + events)}. For the bulk shape with one event per row it is
   * 0.5, the physical limit when events double the rows; what every transaction pays once (round trips, the
   * commit) lifts the ratio above it, a little for large transactions and much for small ones, and WAL
   * messages (no rows, no index entries) cost less than a row.
   */
  double rowBound() {
    return businessRows() / (double) rowsWithEvents();
  }

  /** What a transaction of this shape writes, for the results. */
  String describe() {
    String business = orders == 1 ? "1 order row" : orders + " order rows";
    if (linesPerOrder > 0) {
      business += ", " + orders * linesPerOrder + " order-line rows";
    }
    return business + (events == 1 ? " + 1 event" : " + " + events + " events");
  }

  /** A short title: {@code order shape} or {@code bulk shape}. */
  String title() {
    return id.toLowerCase(Locale.ROOT) + " shape";
  }
}
