package io.outboxkit.spring.saga;

import io.outboxkit.saga.SagaOrchestrator;

/**
 * Adjusts the {@link SagaOrchestrator.Builder} after the {@code outbox.saga.*} properties and the saga
 * definitions were applied and before the orchestrator bean is built: declare beans of this type to set what
 * properties cannot express (an {@code ObjectMapper}, a clock). Customizers run in their {@code @Order}.
 */
@FunctionalInterface
public interface SagaOrchestratorBuilderCustomizer {

  /** Changes the builder in place. */
  void customize(SagaOrchestrator.Builder builder);
}
