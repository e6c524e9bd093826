package io.outboxkit.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * The one streaming JSON factory by which the writer checks payloads and the WAL-message envelope is written
 * and read: without Jackson's read limits on numbers, strings, names or nesting, because PostgreSQL's jsonb has
 * none that matter below the payload size limit and a payload the database accepted must be readable again.
 */
public final class JsonText {

  /** Thread-safe, as Jackson's factories are. */
  public static final JsonFactory UNLIMITED = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .maxNestingDepth(Integer.MAX_VALUE)
          .build())
      .build();

  private JsonText() {
  }
}
