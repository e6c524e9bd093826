package io.outboxkit.spring.writer;

import io.outboxkit.writer.OutboxWriter;

/**
 * Adjusts the {@link OutboxWriter.Builder} after the {@code outbox.*} and {@code outbox.writer.*} properties
 * were applied and before the writer bean is built: declare beans of this type to set what properties cannot
 * express. Customizers run in their {@code @Order}.
 */
@FunctionalInterface
public interface OutboxWriterBuilderCustomizer {

  /** Changes the builder in place. */
  void customize(OutboxWriter.Builder builder);
}
