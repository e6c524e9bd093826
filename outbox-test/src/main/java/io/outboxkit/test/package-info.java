/**
 * A real PostgreSQL (logical WAL) and a real Kafka broker for JUnit 5 tests, from running servers,
 * Testcontainers or embedded binaries, with a fresh database and fresh topic names for every test.
 */
@NullMarked
package io.outboxkit.test;

import org.jspecify.annotations.NullMarked;
