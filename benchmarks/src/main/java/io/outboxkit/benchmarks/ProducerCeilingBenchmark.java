package io.outboxkit.benchmarks;

import io.outboxkit.test.OutboxTestInfrastructure;
import io.outboxkit.test.TestKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ceiling: a raw {@link KafkaProducer} sending the benchmark's 500-byte events, with Kafka's default
 * settings and with the tuned ones. The rate of a round is its records divided by the time from the first
 * {@code send} to the end of {@code flush()} (every record acknowledged). Each round has a fresh producer
 * and topic and is preceded by a warm-up of a tenth of the records on the same producer.
 */
final class ProducerCeilingBenchmark {

  private static final Logger log = LoggerFactory.getLogger(ProducerCeilingBenchmark.class);

  private final OutboxTestInfrastructure infrastructure;
  private final Profile profile;

  ProducerCeilingBenchmark(OutboxTestInfrastructure infrastructure, Profile profile) {
    this.infrastructure = infrastructure;
    this.profile = profile;
  }

  List<CeilingResult> run() {
    Map<String, Map<String, String>> configurations = new java.util.LinkedHashMap<>();
    configurations.put("default", ProducerSettings.KAFKA_DEFAULTS);
    configurations.put("tuned", ProducerSettings.TUNED);
    Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
    Map<String, String> failures = new java.util.HashMap<>();
    configurations.keySet().forEach(name -> rates.put(name, new ArrayList<>()));
    TestKafka kafka = infrastructure.kafka("ceiling");
    byte[][] payloads = new byte[profile.ceilingEvents()][];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = Payloads.json(i, 0).getBytes(StandardCharsets.UTF_8);
    }
    for (int round = 0; round < profile.rounds(); round++) {
      for (Map.Entry<String, Map<String, String>> configuration : configurations.entrySet()) {
        String name = configuration.getKey();
        if (failures.containsKey(name)) {
          continue;
        }
        try {
          double rate = measure(kafka, configuration.getValue(), payloads);
          rates.get(name).add(rate);
          log.info("ceiling {} round {}: {} records/s", name, round + 1, Math.round(rate));
        } catch (RuntimeException e) {
          failures.put(name, e.toString());
          log.error("ceiling {}: failed", name, e);
        }
      }
    }
    List<CeilingResult> results = new ArrayList<>();
    configurations.forEach((name, settings) -> results.add(new CeilingResult(name, settings, payloads.length,
        failures.containsKey(name) ? null : Stats.median(rates.get(name)), rates.get(name), failures.get(name))));
    return results;
  }

  private static double measure(TestKafka kafka, Map<String, String> settings, byte[][] payloads) {
    String topic = kafka.newTopic("ceiling");
    kafka.createTopic(topic, 1);
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        ProducerSettings.properties(kafka.bootstrapServers(), settings))) {
      int warmUp = payloads.length / 10;
      for (int i = 0; i < warmUp; i++) {
        producer.send(new ProducerRecord<>(topic, Payloads.aggregateId(i), payloads[i]),
            (metadata, e) -> noteFailure(failure, e));
      }
      producer.flush();
      long start = System.nanoTime();
      for (int i = 0; i < payloads.length; i++) {
        producer.send(new ProducerRecord<>(topic, Payloads.aggregateId(i), payloads[i]),
            (metadata, e) -> noteFailure(failure, e));
      }
      producer.flush();
      long end = System.nanoTime();
      if (failure.get() != null) {
        throw new BenchmarkException("the broker refused a record: " + failure.get(), failure.get());
      }
      return Timeline.rate(payloads.length, start, end);
    }
  }

  private static void noteFailure(AtomicReference<Exception> failure, Exception e) {
    if (e != null) {
      failure.compareAndSet(null, e);
    }
  }
}
