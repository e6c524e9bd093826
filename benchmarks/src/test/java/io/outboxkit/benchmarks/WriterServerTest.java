package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WriterServerTest {

  @Test
  void theTitleSaysWhetherCommitsAreFlushedAsReadFromTheServer() {
    WriterServer durable = new WriterServer("durable", "synchronous_commit=on, fsync=on, wal_level=logical",
        List.of(WriterShape.ORDER));
    WriterServer shared = new WriterServer("shared", "synchronous_commit=on, fsync=off, wal_level=logical",
        List.of(WriterShape.ORDER));
    WriterServer unknown = new WriterServer("durable", "unknown (did not start)", List.of(WriterShape.ORDER));

    assertThat(durable.flushes()).isTrue();
    assertThat(durable.title()).isEqualTo("durable commits (fsync=on)");
    assertThat(shared.flushes()).isFalse();
    assertThat(shared.title()).isEqualTo("commits without flush (fsync=off)");
    assertThat(unknown.title()).isEqualTo("fsync unknown");
  }

  @Test
  void onlyTheDurableServerIsJudged() {
    assertThat(new WriterServer(WriterBenchmark.DURABLE, "fsync=on", List.of()).judged()).isTrue();
    assertThat(new WriterServer(WriterBenchmark.SHARED, "fsync=on", List.of()).judged()).isFalse();
  }

  @Test
  void aServerThatDidNotStartFailsEveryVariantOfItsShapes() {
    WriterServer server = new WriterServer(WriterBenchmark.DURABLE, "unknown (did not start)",
        List.of(WriterShape.ORDER, WriterShape.bulk(100)));

    List<RoundsResult> failed = WriterBenchmark.failed(server, "the server with fsync on did not start: no disk");

    assertThat(failed).extracting(RoundsResult::id).containsExactly("durable/order/plain",
        "durable/order/plain-round-trip", "durable/order/outboxkit-table", "durable/order/outboxkit-table-delete",
        "durable/order/outboxkit-wal", "durable/bulk/plain", "durable/bulk/outboxkit-table",
        "durable/bulk/outboxkit-table-delete", "durable/bulk/outboxkit-wal");
    assertThat(failed).allSatisfy(r -> {
      assertThat(r.perSecond()).isNull();
      assertThat(r.failure()).isEqualTo("the server with fsync on did not start: no disk");
    });
  }
}
