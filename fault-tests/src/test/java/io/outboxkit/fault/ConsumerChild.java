package io.outboxkit.fault;

import java.time.Duration;
import java.util.List;

/** The test's handle on a billing consumer process ({@link ConsumerMain}). */
final class ConsumerChild implements AutoCloseable {

  private final ChildJvm jvm;
  private final String instance;

  private ConsumerChild(ChildJvm jvm, String instance) {
    this.jvm = jvm;
    this.instance = instance;
  }

  /** Starts a consumer process of the pipeline's group. */
  static ConsumerChild start(Pipeline pipeline, String instance) {
    return new ConsumerChild(ChildJvm.start(pipeline.name() + "-" + instance, ConsumerMain.class, List.of(
        pipeline.billing().jdbcUrl(), pipeline.billing().username(), pipeline.billing().password(),
        pipeline.bootstrapServers(), pipeline.topic(), pipeline.group(), instance)),
        instance);
  }

  String instance() {
    return instance;
  }

  /**
   * Makes the consumer stop inside a handler after {@code records} more new records, at the first record
   * whose partition has records committed in the database and not in Kafka (see {@link ConsumerMain}).
   */
  void armPause(int records) {
    jvm.send("arm " + records);
  }

  /** Waits for the pause inside a handler and returns the report ({@code consumer paused partition=.. offset=..}). */
  String awaitPaused(Duration timeout) {
    return jvm.awaitReport("a pause before an offset commit", r -> r.startsWith("consumer paused"), timeout);
  }

  /** Redeliveries this process recognized as duplicates, as last reported; 0 before the first report. */
  long duplicates() {
    String report = jvm.lastReport(r -> r.startsWith("consumer stats "));
    if (report == null) {
      return 0;
    }
    String field = report.substring(report.indexOf("duplicates=") + "duplicates=".length());
    return Long.parseLong(field.substring(0, field.indexOf(' ')));
  }

  /** SIGKILL. */
  void kill() {
    jvm.kill();
  }

  @Override
  public void close() {
    jvm.close();
  }

  @Override
  public String toString() {
    return jvm.toString();
  }
}
