package io.outboxkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class TracingSpanContextTest {

  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void formatsPropertiesTextThatJavaUtilPropertiesReadsBack() throws Exception {
    String text = TracingSpanContext.format(TRACEPARENT, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

    assertThat(text).isEqualTo("traceparent=" + TRACEPARENT + "\ntracestate=rojo=00f067aa0ba902b7,congo=t61rcWkgMzE\n");
    // what Debezium's ActivateTracingSpan does with the column
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    assertThat(properties.getProperty("traceparent")).isEqualTo(TRACEPARENT);
    assertThat(properties.getProperty("tracestate")).isEqualTo("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assertThat(TracingSpanContext.parse(text))
        .containsExactly(Map.entry("traceparent", TRACEPARENT),
            Map.entry("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"));
  }

  @Test
  void withoutTraceStateOnlyTheTraceparentLineIsWritten() {
    assertThat(TracingSpanContext.format(TRACEPARENT, null)).isEqualTo("traceparent=" + TRACEPARENT + "\n");
    assertThat(TracingSpanContext.format(TRACEPARENT, "")).isEqualTo("traceparent=" + TRACEPARENT + "\n");
    assertThat(TracingSpanContext.parse("traceparent=" + TRACEPARENT + "\n")).containsOnlyKeys("traceparent");
    assertThat(TracingSpanContext.parse(null)).isEmpty();
  }

  @Test
  void aTraceparentThatIsNotW3cIsRefusedWithItsTraceState() {
    assertThat(TracingSpanContext.isTraceparent(TRACEPARENT)).isTrue();
    assertThat(TracingSpanContext.isTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future"))
        .isTrue();
    for (String bad : List.of("not-a-traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", TRACEPARENT + "-extra")) {
      assertThat(TracingSpanContext.isTraceparent(bad)).as(bad).isFalse();
      assertThatThrownBy(() -> TracingSpanContext.parse("traceparent=" + bad + "\ntracestate=k=v\n"))
          .isInstanceOf(InvalidEventException.class).hasMessageContaining("not a W3C traceparent");
    }
  }

  @Test
  void backslashesColonsAndEqualsSignsSurviveTheRoundTrip() {
    String text = TracingSpanContext.format(TRACEPARENT, "k=v\\w:x=y");

    assertThat(TracingSpanContext.parse(text).get("tracestate")).isEqualTo("k=v\\w:x=y");
  }

  @Test
  void aTraceStateTooLongForTheColumnIsShortenedAsW3cAllowsAndTheTraceparentIsKept() {
    List<String> entries = new ArrayList<>();
    entries.add("long=" + "x".repeat(200));
    for (int i = 0; i < 31; i++) {
      entries.add("vendor" + i + "=" + "v".repeat(20));
    }

    String text = TracingSpanContext.format(TRACEPARENT, String.join(",", entries));

    assertThat(text.length()).isLessThanOrEqualTo(TracingSpanContext.MAX_LENGTH);
    Map<String, String> parsed = TracingSpanContext.parse(text);
    assertThat(parsed.get("traceparent")).isEqualTo(TRACEPARENT);
    // the long entry goes first, then entries from the end; the first ones stay in order
    assertThat(parsed.get("tracestate")).doesNotContain("long=").startsWith("vendor0=").contains("vendor1=");
    assertThat(parsed.get("tracestate")).doesNotContain("vendor30=");
  }

  @Test
  void aTraceparentLongerThanTheColumnIsRejectedNamingTheColumn() {
    assertThatThrownBy(() -> TracingSpanContext.format("0".repeat(600), null))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("tracingspancontext")
        .hasMessageContaining("512");
    assertThatThrownBy(() -> TracingSpanContext.format(" ", null))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("tracingspancontext");
  }
}
