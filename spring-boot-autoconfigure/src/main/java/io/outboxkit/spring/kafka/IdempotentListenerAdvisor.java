package io.outboxkit.spring.kafka;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.inbox.Inbox;
import io.outboxkit.inbox.InboxOutcome;
import io.outboxkit.inbox.InvalidMessageException;
import io.outboxkit.inbox.kafka.MessageIdExtractor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.KafkaUtils;
import org.springframework.kafka.transaction.KafkaAwareTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies the inbox to {@link IdempotentListener @IdempotentListener} methods. The pointcut checks each
 * annotated method when its bean is proxied, so a wrong signature fails the start; the interceptor runs the
 * method inside a transaction of the application's DataSource, through {@link Inbox#process} (a record
 * listener) or {@link Inbox#processBatch} (a batch listener).
 *
 * <p>The inbox, the transaction manager and the default message id extractor are looked up on first use (or
 * once all singletons exist, when an annotated method was found), never while beans are being proxied.
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
  private final ObjectProvider<MessageIdExtractor> defaultExtractor;
  private final ObjectProvider<DataSource> dataSource;
  private final Map<Method, ListenerMethod> listeners = new ConcurrentHashMap<>();
  private final Pointcut pointcut = new AnnotatedListenerPointcut();
  private final Advice advice = new InboxInterceptor();
  private final Set<String> warnedJoined = ConcurrentHashMap.newKeySet();
  private volatile @Nullable TransactionTemplate transactions;
  private volatile @Nullable ListenerMeters meters;

  IdempotentListenerAdvisor(ConfigurableListableBeanFactory beanFactory, ObjectProvider<Inbox> inbox,
      ObjectProvider<MessageIdExtractor> defaultExtractor, ObjectProvider<DataSource> dataSource) {
    this.beanFactory = beanFactory;
    this.inbox = inbox;
    this.defaultExtractor = defaultExtractor;
    this.dataSource = dataSource;
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

  /** What one annotated method needs at each call. */
  private record ListenerMethod(String description, int recordIndex, boolean batch, @Nullable String consumer,
      @Nullable MessageIdExtractor extractor) {
  }

  private ListenerMethod describe(Method method, IdempotentListener annotation) {
    String name = method.getDeclaringClass().getName() + "." + method.getName();
    int recordIndex = -1;
    boolean batch = false;
    Class<?>[] types = method.getParameterTypes();
    Type[] generic = method.getGenericParameterTypes();
    for (int i = 0; i < types.length; i++) {
      boolean record = ConsumerRecord.class.isAssignableFrom(types[i]);
      boolean records = List.class.isAssignableFrom(types[i]) && listOfRecords(generic[i]);
      if (record || records) {
        if (recordIndex >= 0) {
          throw invalid(name, "it takes more than one ConsumerRecord or List<ConsumerRecord> parameter");
        }
        recordIndex = i;
        batch = records;
      }
    }
    if (recordIndex < 0) {
      throw invalid(name, "it does not take the record: add a ConsumerRecord<K, V> parameter, or "
          + "List<ConsumerRecord<K, V>> for a batch listener (the inbox needs the records' headers or values to "
          + "find their message ids)");
    }
    if (method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
      throw invalid(name, "it returns " + method.getReturnType() + ", but a skipped duplicate returns null: "
          + "return void or an object");
    }
    String consumer = annotation.consumer().isEmpty() ? null : beanFactory.resolveEmbeddedValue(annotation.consumer());
    if (consumer != null && consumer.isBlank()) {
      throw invalid(name, "its consumer '" + annotation.consumer() + "' resolves to an empty name");
    }
    MessageIdExtractor extractor = extractor(name, annotation);
    return new ListenerMethod(name, recordIndex, batch, consumer, extractor);
  }

  /** Whether the parameter type is {@code List<ConsumerRecord<..>>} (or a list of a ConsumerRecord subtype). */
  private static boolean listOfRecords(Type type) {
    if (!(type instanceof ParameterizedType list) || list.getActualTypeArguments().length != 1) {
      return false;
    }
    Type element = list.getActualTypeArguments()[0];
    Type raw = element instanceof ParameterizedType parameterized ? parameterized.getRawType() : element;
    return raw instanceof Class<?> type1 && ConsumerRecord.class.isAssignableFrom(type1);
  }

  private static @Nullable MessageIdExtractor extractor(String name, IdempotentListener annotation) {
    String[] headers = annotation.messageIdHeaders();
    String[] pointers = annotation.messageIdJsonPointers();
    if (headers.length > 0 && pointers.length > 0) {
      throw invalid(name, "it sets both messageIdHeaders and messageIdJsonPointers: choose one");
    }
    if (annotation.messageIdWithEventType() && pointers.length == 0) {
      throw invalid(name, "messageIdWithEventType needs messageIdJsonPointers (for headers, list eventType in "
          + "messageIdHeaders)");
    }
    try {
      if (headers.length > 0) {
        return MessageIdExtractor.headers(headers[0], Arrays.copyOfRange(headers, 1, headers.length));
      }
      if (pointers.length > 0) {
        return annotation.messageIdWithEventType()
            ? MessageIdExtractor.eventTypeAndJsonPointers(pointers)
            : MessageIdExtractor.jsonPointers(pointers);
      }
      return null;
    } catch (OutboxConfigurationException e) {
      throw invalid(name, e.getMessage());
    }
  }

  private static OutboxConfigurationException invalid(String method, String reason) {
    return new OutboxConfigurationException("@IdempotentListener on " + method + " cannot be used: " + reason);
  }

  /**
   * The transaction manager of the inbox's DataSource: the only one that is not Kafka's, else the one that
   * manages the application's DataSource, else the primary one.
   */
  private TransactionTemplate transactions() {
    TransactionTemplate template = transactions;
    if (template == null) {
      PlatformTransactionManager manager = transactionManager();
      template = new TransactionTemplate(manager);
      if (manager instanceof DataSourceTransactionManager jdbc && jdbc.isNestedTransactionAllowed()) {
        // in a transaction of the caller's, a savepoint: a failed call rolls back its own work only, and leaves
        // the caller's transaction able to commit what the error handler does after it (without a transaction,
        // the same as PROPAGATION_REQUIRED)
        template.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
      }
      transactions = template;
    }
    return template;
  }

  private PlatformTransactionManager transactionManager() {
    Map<String, PlatformTransactionManager> candidates = new LinkedHashMap<>();
    beanFactory.getBeansOfType(PlatformTransactionManager.class).forEach((name, manager) -> {
      if (!(manager instanceof KafkaAwareTransactionManager)) {
        candidates.put(name, manager);
      }
    });
    if (candidates.size() == 1) {
      return candidates.values().iterator().next();
    }
    if (candidates.isEmpty()) {
      throw new OutboxConfigurationException("@IdempotentListener needs a transaction manager for the "
          + "application's DataSource, and there is none: add spring-boot-jdbc (its DataSourceTransactionManager"
          + "AutoConfiguration defines one) or declare a DataSourceTransactionManager bean");
    }
    DataSource ds = dataSource.getIfUnique();
    List<String> matching = new ArrayList<>();
    candidates.forEach((name, manager) -> {
      if (ds != null && manager instanceof DataSourceTransactionManager jdbc && jdbc.getDataSource() == ds) {
        matching.add(name);
      }
    });
    if (matching.size() == 1) {
      return candidates.get(matching.get(0));
    }
    List<String> primary = new ArrayList<>();
    for (String name : candidates.keySet()) {
      if (beanFactory.containsBeanDefinition(name) && beanFactory.getBeanDefinition(name).isPrimary()) {
        primary.add(name);
      }
    }
    if (primary.size() == 1) {
      return candidates.get(primary.get(0));
    }
    throw new OutboxConfigurationException("@IdempotentListener cannot choose among the transaction managers "
        + candidates.keySet() + ": mark the one of the inbox's DataSource @Primary");
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
      ListenerMethod listener = listeners.get(specific);
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
        return invokeBatch((ProxyMethodInvocation) invocation, listener, consumer, records);
      }
      if (!(argument instanceof ConsumerRecord<?, ?> record)) {
        throw new InvalidMessageException(listener.description() + " was called without a record");
      }
      String messageId = messageId(listener, record);
      Object[] result = new Object[1];
      InboxOutcome outcome;
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
        throw CheckedFailure.unwrap(failure);
      }
      meters().outcome(consumer, outcome);
      if (outcome == InboxOutcome.DUPLICATE) {
        log.info("skipped duplicate message id {} for consumer {} ({})", messageId, consumer,
            KafkaRecords.where(record));
        return null;
      }
      return result[0];
    }

    /**
     * A batch: the ids of all its records recorded with one statement and the method called once with the
     * new records, in one transaction. When that fails, the records are applied one by one, each in its own
     * transaction, and the first that fails is reported to the container's error handler as a {@link
     * BatchListenerFailedException}: the records before it are applied (their offsets may be committed),
     * and it and the records after it are delivered again. A record without a usable message id is reported
     * the same way, once the records before it are applied.
     *
     * <p>In a transaction of the caller's (one the listener container started), the batch is applied in a
     * savepoint and fails whole, with nothing applied, when a record fails or has no message id: a
     * failure reported to the error handler rolls the caller's transaction back, so no record may stay
     * applied in it while the error handler commits its offset.
     */
    private @Nullable Object invokeBatch(ProxyMethodInvocation invocation, ListenerMethod listener, String consumer,
        List<?> records) throws Throwable {
      Map<Object, String> ids = new IdentityHashMap<>();
      List<ConsumerRecord<?, ?>> usable = new ArrayList<>(records.size());
      InvalidMessageException invalid = null;
      ConsumerRecord<?, ?> invalidRecord = null;
      for (Object item : records) {
        if (!(item instanceof ConsumerRecord<?, ?> record)) {
          throw new InvalidMessageException(listener.description() + " was called with a " + item.getClass().getName()
              + " in its list of records");
        }
        try {
          ids.put(record, messageId(listener, record));
        } catch (InvalidMessageException e) {
          invalid = e;
          invalidRecord = record;
          break;
        }
        usable.add(record);
      }
      Object result = applyBatch(invocation, listener, consumer, usable, ids, invalid);
      if (invalid != null) {
        throw new BatchListenerFailedException(invalid.getMessage(), invalid, invalidRecord);
      }
      return result;
    }

    /**
     * Applies the usable records (those before the first without a message id, {@code invalid}) in one
     * transaction. When that transaction is the caller's, the batch fails whole, before any work, if one of its
     * records has no message id: the caller's transaction rolls back when the failure is reported, so records
     * applied in it and acknowledged by the error handler would be lost.
     */
    private @Nullable Object applyBatch(ProxyMethodInvocation invocation, ListenerMethod listener, String consumer,
        List<ConsumerRecord<?, ?>> records, Map<Object, String> ids, @Nullable InvalidMessageException invalid)
        throws Throwable {
      Object[] result = new Object[1];
      boolean[] joined = new boolean[1];
      try {
        List<InboxOutcome> outcomes = transactions().execute(status -> {
          joined[0] = !status.isNewTransaction();
          if (joined[0]) {
            warnJoined(listener);
            if (invalid != null) {
              throw invalid;
            }
          }
          return records.isEmpty() ? List.<InboxOutcome>of() : inbox.getObject().processBatch(consumer, records,
              ids::get, (newRecords, connection) -> result[0] = call(invocation, listener, newRecords));
        });
        meters().outcomes(consumer, outcomes);
        long duplicates = outcomes.stream().filter(outcome -> outcome == InboxOutcome.DUPLICATE).count();
        if (duplicates > 0) {
          log.info("skipped {} duplicate message id(s) of {} record(s) for consumer {} ({} ...)", duplicates,
              records.size(), consumer, KafkaRecords.where(records.get(0)));
        }
        return result[0];
      } catch (RuntimeException | Error batchFailure) {
        if (joined[0]) {
          // the caller's transaction rolls back when the failure is reported: records applied one by one inside
          // it would not stay applied while the error handler commits their offsets, so the whole batch fails
          meters().failures(consumer, records.size());
          throw CheckedFailure.unwrap(batchFailure);
        }
        log.debug("batch of {} record(s) for consumer {} failed; applying them one by one", records.size(),
            consumer, batchFailure);
      }
      for (ConsumerRecord<?, ?> record : records) {
        try {
          InboxOutcome outcome = transactions().execute(status -> inbox.getObject().process(consumer,
              ids.get(record), connection -> result[0] = call(invocation, listener, List.of(record))));
          meters().outcome(consumer, outcome);
          if (outcome == InboxOutcome.DUPLICATE) {
            log.info("skipped duplicate message id {} for consumer {} ({})", ids.get(record), consumer,
                KafkaRecords.where(record));
          }
        } catch (RuntimeException | Error e) {
          meters().failures(consumer, 1);
          Throwable cause = CheckedFailure.unwrap(e);
          if (cause instanceof BatchListenerFailedException own && own.getCause() != null) {
            cause = own.getCause();
          }
          throw new BatchListenerFailedException(String.valueOf(cause.getMessage()), cause, record);
        }
      }
      return result[0];
    }

    private void warnJoined(ListenerMethod listener) {
      if (warnedJoined.add(listener.description())) {
        log.warn("@IdempotentListener on {} runs inside a transaction started before it (the listener container's "
            + "transactionManager, or a transaction around the call): the inbox works inside it (in a savepoint where "
            + "the transaction manager allows one), and a "
            + "batch with a record that fails or has no message id fails whole: the error handler retries it, then "
            + "dead-letters all its records. To have only the failing record dead-lettered, let the inbox start the "
            + "transaction (remove the container's transactionManager)", listener.description());
      }
    }

    /** Calls the method (and the advice after this one) with {@code records} in place of its list. */
    private @Nullable Object call(ProxyMethodInvocation invocation, ListenerMethod listener, List<?> records) {
      Object[] arguments = invocation.getArguments().clone();
      arguments[listener.recordIndex()] = new ArrayList<>(records);
      try {
        return invocation.invocableClone(arguments).proceed();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new CheckedFailure(e);
      }
    }

    private String messageId(ListenerMethod listener, ConsumerRecord<?, ?> record) {
      MessageIdExtractor extractor = listener.extractor();
      if (extractor == null) {
        extractor = defaultExtractor.getIfAvailable(MessageIdExtractor::idHeader);
      }
      String id;
      try {
        id = extractor.extract(KafkaRecords.asBytes(record));
      } catch (InvalidMessageException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new InvalidMessageException("record " + KafkaRecords.where(record) + " has no usable message id ("
            + extractor + "): " + e.getMessage(), e);
      }
      if (id == null || id.isEmpty()) {
        throw new InvalidMessageException("record " + KafkaRecords.where(record) + " has no message id (" + extractor
            + "), so it cannot be processed exactly once");
      }
      return id;
    }
  }

  /** Carries a checked exception of the listener through the inbox's callback, which only throws unchecked. */
  private static final class CheckedFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CheckedFailure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }

    /** The listener's own exception: the checked one this carries, or {@code e} itself. */
    static Throwable unwrap(Throwable e) {
      return e instanceof CheckedFailure checked ? checked.getCause() : e;
    }
  }
}
