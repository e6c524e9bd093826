package io.outboxkit.relay;

import io.outboxkit.core.OutboxConfigurationException;
import io.outboxkit.core.internal.Secrets;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A single-host PostgreSQL JDBC URL taken apart, because Debezium wants host, port and database separately.
 * Messages show the URL with its secrets masked ({@link Secrets#maskedUrl}).
 */
record JdbcUrl(String host, int port, String database, Map<String, String> parameters) {

  private static final String PREFIX = "jdbc:postgresql://";

  static JdbcUrl parse(String setting, String url) {
    String shown = Secrets.maskedUrl(url);
    if (url == null || !url.startsWith(PREFIX)) {
      throw new OutboxConfigurationException(setting + " '" + shown + "' is not a PostgreSQL JDBC URL: expected "
          + PREFIX + "host[:port]/database[?parameters]");
    }
    String rest = url.substring(PREFIX.length());
    String query = "";
    int question = rest.indexOf('?');
    if (question >= 0) {
      query = rest.substring(question + 1);
      rest = rest.substring(0, question);
    }
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new OutboxConfigurationException(setting + " '" + shown + "' names no host or no database: expected "
          + PREFIX + "host[:port]/database");
    }
    String hostPort = rest.substring(0, slash);
    String database = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
    if (hostPort.contains(",")) {
      throw new OutboxConfigurationException(setting + " '" + shown
          + "' lists several hosts: logical replication needs the primary; give its single host");
    }
    String host = hostPort;
    int port = 5432;
    int colon = hostPort.lastIndexOf(':');
    if (colon > 0 && hostPort.indexOf(']') < colon) {
      host = hostPort.substring(0, colon);
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new OutboxConfigurationException(setting + " '" + shown + "' has an invalid port");
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    if (!query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        parameters.put(key, value);
      }
    }
    if (parameters.containsKey("user") || parameters.containsKey("password")) {
      throw new OutboxConfigurationException(setting
          + " carries user or password parameters: set them with username(..) and password(..) instead");
    }
    requireUrlSafeDatabaseName(setting, database);
    return new JdbcUrl(host, port, database, Map.copyOf(parameters));
  }

  /** Characters that would change the meaning of the JDBC URL Debezium builds from the raw database name. */
  private static final String URL_SYNTAX = "?&#/%\\";

  /**
   * Refuses a database name that Debezium's PostgreSQL connector cannot carry: it puts the name into its
   * JDBC URL as it is, so {@code orders?ApplicationName=x} would connect to database {@code orders} with a
   * connection parameter. PostgreSQL allows such names; the relay does not.
   */
  static void requireUrlSafeDatabaseName(String setting, String database) {
    for (int i = 0; i < URL_SYNTAX.length(); i++) {
      char c = URL_SYNTAX.charAt(i);
      if (database.indexOf(c) >= 0) {
        throw new OutboxConfigurationException(setting + ": database name '" + Secrets.maskedUrl(database)
            + "' contains '" + c
            + "', which Debezium's connector would read as JDBC URL syntax (it would connect to another database "
            + "or with other parameters); the relay cannot stream such a database: rename it (ALTER DATABASE .. "
            + "RENAME TO ..) to a name without any of ? & # / % \\");
      }
    }
  }

  static String format(String host, int port, String database, Map<String, String> parameters) {
    StringBuilder url = new StringBuilder(PREFIX);
    url.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port).append('/')
        .append(java.net.URLEncoder.encode(database, StandardCharsets.UTF_8));
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      url.append(separator)
          .append(java.net.URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(java.net.URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
      separator = '&';
    }
    return url.toString();
  }
}
