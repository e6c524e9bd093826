package io.outboxkit.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a relay under measurement connects to: the database, the broker, and where the events go. Handed to
 * the relay's own JVM as a properties file.
 *
 * @param host PostgreSQL host
 * @param port PostgreSQL port
 * @param database the benchmark's database
 * @param username a user with REPLICATION
 * @param password that user's password
 * @param bootstrapServers Kafka's bootstrap servers
 * @param topicPrefix events go to {@code topicPrefix + aggregatetype}
 * @param replicationSlot the logical replication slot for WAL-based relays
 * @param publication the publication for WAL-based relays
 */
record RelayTarget(
    String host,
    int port,
    String database,
    String username,
    String password,
    String bootstrapServers,
    String topicPrefix,
    String replicationSlot,
    String publication) {

  /** The JDBC URL of the database. */
  String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  /** The topic every benchmark event goes to. */
  String topic() {
    return topicPrefix + Payloads.AGGREGATE_TYPE;
  }

  void store(Path file) {
    Properties properties = new Properties();
    properties.setProperty("host", host);
    properties.setProperty("port", Integer.toString(port));
    properties.setProperty("database", database);
    properties.setProperty("username", username);
    properties.setProperty("password", password);
    properties.setProperty("bootstrapServers", bootstrapServers);
    properties.setProperty("topicPrefix", topicPrefix);
    properties.setProperty("replicationSlot", replicationSlot);
    properties.setProperty("publication", publication);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, "relay under measurement");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static RelayTarget load(Path file) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return new RelayTarget(required(properties, "host"), Integer.parseInt(required(properties, "port")),
        required(properties, "database"), required(properties, "username"), required(properties, "password"),
        required(properties, "bootstrapServers"), required(properties, "topicPrefix"),
        required(properties, "replicationSlot"), required(properties, "publication"));
  }

  private static String required(Properties properties, String name) {
    String value = properties.getProperty(name);
    if (value == null) {
      throw new IllegalArgumentException("relay target file lacks '" + name + "'");
    }
    return value;
  }
}
