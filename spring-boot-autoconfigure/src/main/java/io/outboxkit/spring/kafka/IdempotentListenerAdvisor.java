package io.outboxkit.spring.kafka;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import io.outboxkit.inbox.kafka.RecordTracing;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies the inbox to {@link IdempotentListener @IdempotentListener} methods. The pointcut checks each
 * annotated method when its bean is proxied, so a wrong signature fails the start; the interceptor runs the
 * method inside a transaction of the application's DataSource, through {@link Inbox#process} (a record
 * listener) or {@link Inbox#processBatch} (a batch listener).
 *
 * <p>The inbox, the transaction manager and the default message id extractor are looked up on first use (or
 * once all singletons exist, when an annotated method was found), never while beans are being proxied.
 *
 * <p>With OpenTelemetry, a record listener's method runs in a CONSUMER span, a child of the record's {@code
 * traceparent}, marked {@code outboxkit.inbox.outcome=duplicate} when the inbox absorbed the record as a
 * duplicate; events the method writes with the OutboxWriter carry that span's context. A batch listener's
 * call runs in one CONSUMER span linked to the context of each record that carries one.
 */
final class IdempotentListenerAdvisor implements PointcutAdvisor, Ordered, SmartInitializingSingleton {

  /**
   * Before {@code @Transactional}'s advice (whose order is {@link Ordered#LOWEST_PRECEDENCE} unless the
   * application sets another): on the same method, {@code @Transactional} then joins the inbox's transaction
   * instead of the inbox joining one that would roll back whole on any failure.
   */
  static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

  private static final Logger log = LoggerFactory.getLogger(IdempotentListener.class);

  private final ConfigurableListableBeanFactory beanFactory;
  private final ObjectProvider<Inbox> inbox;
  private final Supplier<MessageIdExtractor> defaultExtractor;
  private final ListenerTransactions listenerTransactions;
  private final BatchListenerInvoker batches;
  private final Map<Method, ListenerSignature> listeners = new ConcurrentHashMap<>();
  private final Pointcut pointcut = new AnnotatedListenerPointcut();
  private final Advice advice = new InboxInterceptor();
  private volatile @Nullable ListenerMeters meters;
  private volatile @Nullable ListenerTracing tracing;

  IdempotentListenerAdvisor(ConfigurableListableBeanFactory beanFactory, ObjectProvider<Inbox> inbox,
      ObjectProvider<MessageIdExtractor> defaultExtractor, ObjectProvider<DataSource> dataSource) {
    this.beanFactory = beanFactory;
    this.inbox = inbox;
    this.defaultExtractor = () -> defaultExtractor.getIfAvailable(MessageIdExtractor::idHeader);
    this.listenerTransactions = new ListenerTransactions(beanFactory, dataSource);
    this.batches = new BatchListenerInvoker(listenerTransactions, inbox, this.defaultExtractor, this::meters);
  }

  @Override
  public Pointcut getPointcut() {
    return pointcut;
  }

  @Override
  public Advice getAdvice() {
    return advice;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  /** Resolves the transaction manager now when a listener needs it, so that an ambiguity fails the start. */
  @Override
  public void afterSingletonsInstantiated() {
    if (!listeners.isEmpty()) {
      transactions();
      inbox.getObject();
    }
  }

  private TransactionTemplate transactions() {
    return listenerTransactions.template();
  }

  private ListenerSignature describe(Method method, IdempotentListener annotation) {
    return ListenerSignature.parse(method, annotation, beanFactory::resolveEmbeddedValue);
  }

  /** The inbox's meters, looked up on first use like the inbox; none without Micrometer or a registry. */
  private ListenerMeters meters() {
    ListenerMeters current = meters;
    if (current == null) {
      current = beanFactory.getBeanProvider(ListenerMeters.class).getIfAvailable(() -> ListenerMeters.NONE);
      meters = current;
    }
    return current;
  }

  /** The consumer spans, looked up on first use; none without OpenTelemetry or with tracing turned off. */
  private ListenerTracing tracing() {
    ListenerTracing current = tracing;
    if (current == null) {
      current = beanFactory.getBeanProvider(ListenerTracing.class).getIfAvailable(() -> ListenerTracing.NONE);
      tracing = current;
    }
    return current;
  }

  /** Matches annotated methods and checks each one as it is found. */
  private final class AnnotatedListenerPointcut extends StaticMethodMatcherPointcut {

    AnnotatedListenerPointcut() {
      setClassFilter(new ClassFilter() {
        @Override
        public boolean matches(Class<?> type) {
          return AnnotationUtils.isCandidateClass(type, IdempotentListener.class);
        }
      });
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      Method specific = BridgeMethodResolver.findBridgedMethod(AopUtils.getMostSpecificMethod(method, targetClass));
      IdempotentListener annotation = AnnotatedElementUtils.findMergedAnnotation(specific, IdempotentListener.class);
      if (annotation == null) {
        return false;
      }
      listeners.computeIfAbsent(specific, m -> describe(m, annotation));
      return true;
    }
  }

  /** Runs an annotated method through the inbox, in a transaction of the application's DataSource. */
  private final class InboxInterceptor implements MethodInterceptor {

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
      Object target = invocation.getThis();
      Class<?> targetClass =
          target != null ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
      Method specific = BridgeMethodResolver.findBridgedMethod(
          AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass));
      ListenerSignature listener = listeners.get(specific);
      if (listener == null) {
        IdempotentListener annotation = AnnotatedElementUtils.findMergedAnnotation(specific, IdempotentListener.class);
        if (annotation == null) {
          return invocation.proceed();
        }
        listener = listeners.computeIfAbsent(specific, m -> describe(m, annotation));
      }
      Object argument = invocation.getArguments()[listener.recordIndex()];
      String consumer = listener.consumer() != null ? listener.consumer() : KafkaUtils.getConsumerGroupId();
      if (consumer == null || consumer.isBlank()) {
        throw new OutboxConfigurationException("@IdempotentListener on " + listener.description()
            + " has no consumer name: the listener has no Kafka group id here; set @IdempotentListener(consumer"
            + " = \"...\") or give the @KafkaListener a groupId");
      }
      if (listener.batch()) {
        if (!(argument instanceof List<?> records)) {
          throw new InvalidMessageException(listener.description() + " was called without its records");
        }
        try (RecordTracing.TraceSpan span = tracing().startBatch(records, consumer)) {
          try {
            return batches.invokeBatch((ProxyMethodInvocation) invocation, listener, consumer, records);
          } catch (Throwable failure) {
            span.failed(failure);
            throw failure;
          }
        }
      }
      if (!(argument instanceof ConsumerRecord<?, ?> record)) {
        throw new InvalidMessageException(listener.description() + " was called without a record");
      }
      String messageId = listener.messageId(record, defaultExtractor);
      Object[] result = new Object[1];
      InboxOutcome outcome;
      try (RecordTracing.TraceSpan span = tracing().start(record, consumer)) {
        try {
          outcome = transactions().execute(status -> inbox.getObject().process(consumer, messageId, connection -> {
            try {
              result[0] = invocation.proceed();
            } catch (RuntimeException | Error e) {
              throw e;
            } catch (Throwable e) {
              throw new CheckedFailure(e);
            }
          }));
        } catch (RuntimeException | Error failure) {
          meters().failures(consumer, 1);
          Throwable unwrapped = CheckedFailure.unwrap(failure);
          span.failed(unwrapped);
          throw unwrapped;
        }
        span.outcome(outcome);
      }
      meters().outcome(consumer, outcome);
      if (outcome == InboxOutcome.DUPLICATE) {
        log.info("skipped duplicate message id {} for consumer {} ({})", messageId, consumer,
            KafkaRecords.where(record));
        return null;
      }
      return result[0];
    }
  }
}
