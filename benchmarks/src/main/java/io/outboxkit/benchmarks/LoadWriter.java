package io.outboxkit.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/** Writes the relay benchmarks' events: a backlog, an unthrottled load, or a paced load. */
final class LoadWriter {

  /**
   * What a load wrote: events {@code [fromSeq, fromSeq + events)}, between two instants.
   *
   * @param fromSeq the first event's sequence number
   * @param events how many events
   * @param startNanos when writing began
   * @param endNanos when the last transaction committed
   */
  record Run(long fromSeq, long events, long startNanos, long endNanos) {

    long toSeq() {
      return fromSeq + events;
    }

    double eventsPerSecond() {
      return Timeline.rate(events, startNanos, endNanos);
    }
  }

  private LoadWriter() {
  }

  /** Writes {@code count} events in transactions of {@code perTransaction}, from one connection. */
  static Run backlog(DataSource dataSource, EventSource source, long fromSeq, int count, int perTransaction) {
    long start = System.nanoTime();
    try (Connection connection = dataSource.getConnection(); EventSink sink = EventSink.open(source, connection)) {
      connection.setAutoCommit(false);
      for (long seq = fromSeq; seq < fromSeq + count; seq += perTransaction) {
        sink.write(seq, (int) Math.min(perTransaction, fromSeq + count - seq));
        connection.commit();
      }
    } catch (SQLException e) {
      throw new BenchmarkException("writing the backlog failed: " + e.getMessage(), e);
    }
    return new Run(fromSeq, count, start, System.nanoTime());
  }

  /**
   * Writes as fast as {@code threads} connections can, in transactions of {@code perTransaction} events,
   * for {@code window} or until {@code maxEvents}, whichever comes first. Events are numbered without gaps.
   */
  static Run unthrottled(DataSource dataSource, EventSource source, long fromSeq, int threads, int perTransaction,
                         Duration window, long maxEvents, Timeline timeline) {
    long maxBlocks = maxEvents / perTransaction;
    AtomicLong blocks = new AtomicLong();
    long start = System.nanoTime();
    long stop = start + window.toNanos();
    runThreads(threads, "writer", () -> {
      try (Connection connection = dataSource.getConnection(); EventSink sink = EventSink.open(source, connection)) {
        connection.setAutoCommit(false);
        while (System.nanoTime() < stop) {
          long block = blocks.getAndIncrement();
          if (block >= maxBlocks) {
            break; // the counter may end above maxBlocks; only blocks below it were written
          }
          long seq = fromSeq + block * perTransaction;
          sink.write(seq, perTransaction);
          connection.commit();
          long committed = System.nanoTime();
          for (int i = 0; i < perTransaction; i++) {
            timeline.committed(seq + i, committed);
          }
        }
      }
    });
    return new Run(fromSeq, Math.min(blocks.get(), maxBlocks) * perTransaction, start, System.nanoTime());
  }

  /**
   * Writes {@code ratePerSecond} events per second for {@code duration}, {@code perTransaction} to a transaction:
   * event {@code i} is due {@code i / rate} seconds after the start, a transaction is written when its last event
   * is due (at once when the writers are late). Records each commit's time on the timeline.
   */
  static Run paced(DataSource dataSource, EventSource source, long fromSeq, int ratePerSecond, Duration duration,
                   int threads, int perTransaction, Timeline timeline) {
    long blocks = duration.toMillis() * ratePerSecond / 1000 / perTransaction;
    long total = blocks * perTransaction;
    double nanosPerEvent = 1e9 / ratePerSecond;
    AtomicLong next = new AtomicLong();
    long start = System.nanoTime() + 50_000_000; // let every thread connect first
    runThreads(threads, "paced-writer", () -> {
      try (Connection connection = dataSource.getConnection(); EventSink sink = EventSink.open(source, connection)) {
        connection.setAutoCommit(false);
        long block;
        while ((block = next.getAndIncrement()) < blocks) {
          long i = block * perTransaction;
          long due = start + (long) ((i + perTransaction - 1) * nanosPerEvent);
          long wait;
          while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
          }
          sink.write(fromSeq + i, perTransaction);
          connection.commit();
          long committed = System.nanoTime();
          for (int k = 0; k < perTransaction; k++) {
            timeline.committed(fromSeq + i + k, committed);
          }
        }
      }
    });
    return new Run(fromSeq, total, start, System.nanoTime());
  }

  /** A body that may fail with a checked SQL exception. */
  interface WriterBody {
    void run() throws Exception;
  }

  /** Runs the body on {@code threads} threads and waits for all; the first failure is thrown. */
  static void runThreads(int threads, String name, WriterBody body) {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          body.run();
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, name + "-" + t);
      thread.start();
      started.add(thread);
    }
    for (Thread thread : started) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchmarkException("interrupted while " + name + " threads ran", e);
      }
    }
    Throwable error = failure.get();
    if (error != null) {
      throw new BenchmarkException(name + " failed: " + error.getMessage(), error);
    }
  }
}
