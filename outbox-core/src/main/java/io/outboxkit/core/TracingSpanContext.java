package io.outboxkit.core;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The text stored in the outbox's {@code tracingspancontext} column (and in the WAL-message envelope): the
 * writer's W3C trace context as {@link Properties} text, one {@code key=value} line each for
 * {@code traceparent} and, when present, {@code tracestate}. That is the form Debezium's
 * {@code ActivateTracingSpan} transformation reads (it loads the column with {@link Properties#load}), so
 * the same rows carry their trace context through Debezium on Kafka Connect and through OutboxKit's relay.
 *
 * <p>Stateless and thread-safe.
 */
public final class TracingSpanContext {

  /** The column's length: {@code varchar(512)}. */
  public static final int MAX_LENGTH = 512;

  private static final Pattern TRACEPARENT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^\\s]*)?");
  private static final String ZERO_TRACE_ID = "0".repeat(32);
  private static final String ZERO_PARENT_ID = "0".repeat(16);

  /** Entries longer than this are the first dropped when a trace state must be shortened (W3C). */
  private static final int LONG_TRACESTATE_ENTRY = 128;

  private TracingSpanContext() {
  }

  /**
   * Formats a trace context for the column, shortened to {@link #MAX_LENGTH} characters if needed: as the W3C
   * Trace Context recommendation allows, {@code tracestate} entries longer than 128 characters are dropped
   * first, then entries from the end, until the text fits; {@code traceparent} is always kept whole.
   *
   * @param traceparent the W3C {@code traceparent} value, for example
   *     {@code 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}
   * @param tracestate the W3C {@code tracestate} value ({@code key=value} entries separated by commas), or
   *     null or empty when there is none
   * @return for example {@code "traceparent=00-...-01\ntracestate=rojo=00f067aa0ba902b7\n"}
   * @throws InvalidEventException if {@code traceparent} is blank or alone longer than the column
   */
  public static String format(String traceparent, @Nullable String tracestate) {
    if (traceparent == null || traceparent.isBlank()) {
      throw new InvalidEventException("tracingspancontext needs a traceparent");
    }
    String parentLine = line(OutboxHeaders.TRACEPARENT, traceparent.strip());
    if (parentLine.length() > MAX_LENGTH) {
      throw new InvalidEventException("tracingspancontext: the traceparent is " + traceparent.length()
          + " characters long, more than the column's " + MAX_LENGTH + ": a W3C traceparent has 55");
    }
    List<String> entries = new ArrayList<>();
    if (tracestate != null) {
      for (String entry : tracestate.split(",")) {
        String trimmed = entry.strip();
        if (!trimmed.isEmpty()) {
          entries.add(trimmed);
        }
      }
    }
    while (!entries.isEmpty()) {
      String full = parentLine + line(OutboxHeaders.TRACESTATE, String.join(",", entries));
      if (full.length() <= MAX_LENGTH) {
        return full;
      }
      int drop = entries.size() - 1;
      for (int i = entries.size() - 1; i >= 0; i--) {
        if (entries.get(i).length() > LONG_TRACESTATE_ENTRY) {
          drop = i;
          break;
        }
      }
      entries.remove(drop);
    }
    return parentLine;
  }

  /**
   * Reads the column's text as Debezium does ({@link Properties#load}).
   *
   * @param text the column's value, may be null or empty
   * @return {@code traceparent} and {@code tracestate} (each only when present and not empty), in that
   *     order; empty when the text holds no trace context
   * @throws InvalidEventException if the text cannot be read, or its traceparent is not a W3C traceparent
   *     (then neither value may be passed on: a tracestate belongs to its traceparent)
   */
  public static Map<String, String> parse(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidEventException("tracingspancontext is not Properties text: " + e.getMessage(), e);
    }
    Map<String, String> context = new LinkedHashMap<>();
    for (String key : List.of(OutboxHeaders.TRACEPARENT, OutboxHeaders.TRACESTATE)) {
      String value = properties.getProperty(key);
      if (value != null && !value.isEmpty()) {
        context.put(key, value);
      }
    }
    String traceparent = context.get(OutboxHeaders.TRACEPARENT);
    if (traceparent != null && !isTraceparent(traceparent)) {
      throw new InvalidEventException("tracingspancontext: traceparent '" + abbreviate(traceparent)
          + "' is not a W3C traceparent (version-traceid-parentid-flags, lower-case hex)");
    }
    return context;
  }

  /**
   * True for a W3C Trace Context {@code traceparent}: two hex digits of version (not {@code ff}), 32 of
   * trace id and 16 of parent id (neither all zeros), two of flags, lower-case, separated by dashes;
   * version {@code 00} ends there, later versions may add fields after another dash.
   */
  public static boolean isTraceparent(String value) {
    Matcher m = TRACEPARENT.matcher(value);
    return m.matches() && !"ff".equals(m.group(1)) && !ZERO_TRACE_ID.equals(m.group(2))
        && !ZERO_PARENT_ID.equals(m.group(3)) && !("00".equals(m.group(1)) && m.group(5) != null);
  }

  private static String abbreviate(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }

  private static String line(String key, String value) {
    StringBuilder out = new StringBuilder(key.length() + value.length() + 2).append(key).append('=');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case ' ' -> out.append(i == 0 ? "\\ " : " ");
        default -> out.append(c);
      }
    }
    return out.append('\n').toString();
  }
}
