package io.outboxkit.inbox.kafka;

import io.outboxkit.inbox.Inbox;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@link InboxKafkaRunner.Builder} decided for one runner, as its {@link PollLoop} uses it. The builder
 * has validated each value; exactly one of {@code handler} and {@code batchHandler}, and one of {@code topics}
 * and {@code topicPattern}, is set.
 *
 * @param inbox records the message ids and runs the effects
 * @param consumerName the inbox consumer name under which message ids are recorded
 * @param handler the record handler, or null with a batch handler
 * @param batchHandler the batch handler, or null with a record handler
 * @param extractor takes the dedup key from a record
 * @param invalidAction what happens to a record that can never be processed
 * @param schedule retry delays and attempts, of a record and of an outage
 * @param tracing consumer spans, or {@link RecordTracing#NONE}
 * @param topics the topics to subscribe to, or null with a pattern
 * @param topicPattern the pattern of topics to subscribe to, or null with topics
 * @param pollTimeout the longest a single poll waits for records
 */
record RunnerSettings(Inbox inbox, String consumerName, @Nullable InboxHandler handler,
    @Nullable InboxBatchHandler batchHandler, MessageIdExtractor extractor, InvalidMessageAction invalidAction,
    RetrySchedule schedule, RecordTracing tracing, @Nullable List<String> topics, @Nullable Pattern topicPattern,
    Duration pollTimeout) {

  RunnerSettings {
    if ((handler == null) == (batchHandler == null)) {
      throw new IllegalArgumentException("exactly one of handler and batchHandler must be set");
    }
    if ((topics == null) == (topicPattern == null)) {
      throw new IllegalArgumentException("exactly one of topics and topicPattern must be set");
    }
  }

  /** The subscription, for log lines. */
  String subscription() {
    return topics != null ? topics.toString() : String.valueOf(topicPattern);
  }
}
