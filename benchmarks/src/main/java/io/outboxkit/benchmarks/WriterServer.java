package io.outboxkit.benchmarks;

import java.util.List;

/**
 * A PostgreSQL server the writer benchmark ran on, and the shapes measured on it.
 *
 * @param id the server's key in the results: {@value WriterBenchmark#DURABLE} (a server of its own with
 *     {@code fsync=on}, where the goals are judged) or {@value WriterBenchmark#SHARED} (the server of the other
 *     parts, {@code fsync=off} when it is the embedded one)
 * @param settings the settings read from the server, as {@link MachineFacts#postgresSettings} gives them
 * @param shapes the shapes measured on it, in order
 */
record WriterServer(String id, String settings, List<WriterShape> shapes) {

  WriterServer {
    shapes = List.copyOf(shapes);
  }

  /** True when the server flushes each commit's WAL to disk ({@code fsync=on}, read from the server). */
  boolean flushes() {
    return settings.contains("fsync=on");
  }

  /** True for the server the goals are judged on. */
  boolean judged() {
    return id.equals(WriterBenchmark.DURABLE);
  }

  /** For example {@code durable commits (fsync=on)}. */
  String title() {
    if (flushes()) {
      return "durable commits (fsync=on)";
    }
    return settings.contains("fsync=off") ? "commits without flush (fsync=off)" : "fsync unknown";
  }
}
