package io.outboxkit.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UuidV7GeneratorTest {

  @Test
  void idsAreVersion7WithTheRfcVariantAndTheCurrentUnixMillisecond() {
    long before = System.currentTimeMillis();
    UUID id = UuidV7Generator.SHARED.next();
    long after = System.currentTimeMillis();

    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    long millis = id.getMostSignificantBits() >>> 16;
    assertThat(millis).isBetween(before, after + 1);
  }

  @Test
  void idsIncreaseStrictlyWithinOneMillisecondAndBeyondTheSequenceSpace() {
    UuidV7Generator generator = new UuidV7Generator(() -> 1_700_000_000_000L);
    String previous = "";
    for (int i = 0; i < 20_000; i++) { // far more than 4096 ids in the same millisecond
      String id = generator.next().toString();
      assertThat(id).isGreaterThan(previous);
      previous = id;
    }
  }

  @Test
  void idsKeepIncreasingWhenTheClockStepsBack() {
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    UuidV7Generator generator = new UuidV7Generator(clock::get);
    UUID before = generator.next();
    clock.addAndGet(-5_000);
    UUID after = generator.next();

    assertThat(after.toString()).isGreaterThan(before.toString());
  }

  @Test
  void concurrentCallersGetUniqueIdsEachInIncreasingOrder() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    Set<UUID> all = ConcurrentHashMap.newKeySet();
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(threads.submit(() -> {
          String previous = "";
          boolean increasing = true;
          for (int i = 0; i < 50_000; i++) {
            UUID id = UuidV7Generator.SHARED.next();
            all.add(id);
            increasing &= id.toString().compareTo(previous) > 0;
            previous = id.toString();
          }
          return increasing;
        }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(all).hasSize(200_000);
  }

  @Test
  void randomBitsDifferBetweenGenerators() {
    Set<Long> low = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      low.add(new UuidV7Generator(() -> 1L).next().getLeastSignificantBits());
    }
    assertThat(low).hasSizeGreaterThan(990);
  }
}
