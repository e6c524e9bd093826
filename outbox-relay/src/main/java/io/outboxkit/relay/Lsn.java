package io.outboxkit.relay;

/** PostgreSQL's text form of a WAL position ({@code 16/B374D848}), for log lines and status reasons. */
final class Lsn {

  private Lsn() {
  }

  static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
  }
}
