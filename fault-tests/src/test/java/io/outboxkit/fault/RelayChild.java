package io.outboxkit.fault;

import io.outboxkit.relay.RelayState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The test's handle on a relay process ({@link RelayMain}). */
final class RelayChild implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final ChildJvm jvm;

  private RelayChild(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /** Starts a relay process for the pipeline; returns at once (see {@link #awaitState}). */
  static RelayChild start(Pipeline pipeline, String name, String... producerProperties) {
    List<String> args = new ArrayList<>(List.of(pipeline.orders().host(), Integer.toString(pipeline.orders().port()),
        pipeline.orders().name(), pipeline.orders().username(), pipeline.orders().password(), pipeline.slot(),
        pipeline.topicPrefix(), pipeline.bootstrapServers()));
    args.addAll(List.of(producerProperties));
    return new RelayChild(ChildJvm.start(pipeline.name() + "-" + name, RelayMain.class, args));
  }

  /** Waits until the relay reports {@code state}; fails if it exits or reports FAILED first. */
  void awaitState(RelayState state, Duration timeout) {
    jvm.awaitReport("state " + state, report -> {
      if (report.startsWith("relay start-failed") || report.startsWith("relay state=FAILED")) {
        throw new AssertionError(jvm + " failed: " + report + "; log " + jvm.log().toAbsolutePath());
      }
      return report.startsWith("relay state=" + state + " ");
    }, timeout);
  }

  void awaitState(RelayState state) {
    awaitState(state, START_TIMEOUT);
  }

  /** The state last reported, or null before the first report. */
  RelayState state() {
    String report = jvm.lastReport(r -> r.startsWith("relay state="));
    if (report == null) {
      return RelayState.NEW;
    }
    String state = report.substring("relay state=".length(), report.indexOf(' ', "relay state=".length()));
    return RelayState.valueOf(state);
  }

  /** Every report of the child, oldest first. */
  List<String> reports() {
    return jvm.reports();
  }

  ChildJvm jvm() {
    return jvm;
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
