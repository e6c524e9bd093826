package io.outboxkit.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one rule by which every part of OutboxKit decides whether a setting holds a secret, and the masking
 * that keeps such values out of {@code toString}, log lines, exception messages and status reasons.
 *
 * <p>The rule: a setting is a secret when its name, ignoring case, contains {@code password}, {@code
 * passwd}, {@code secret}, {@code jaas}, {@code token}, {@code credential} or {@code user.info} (with any
 * separator or none), or ends in {@code key}. That covers the database password, Kafka's {@code
 * sasl.jaas.config}, {@code ssl.key.password}, {@code ssl.keystore.password}, {@code ssl.keystore.key} and
 * {@code ...client.secret}, PostgreSQL's {@code sslpassword} and {@code sslkey}, and every name Debezium masks
 * itself. It errs on the side of masking: a setting such as {@code sasl.oauthbearer.token.endpoint.url} is
 * masked too. A secret's value is shown as {@value #MASK}, whatever it is.
 */
public final class Secrets {

  /** What a secret's value is shown as. */
  public static final String MASK = "******";

  /**
   * The rule as a regular expression over a whole setting name, also in the form Debezium's {@code
   * custom.sanitize.pattern} takes (its own masking of the configuration it logs).
   */
  public static final String NAME_REGEX =
      "(?i).*(password|passwd|secret|jaas|token|credential|user[._-]?info).*|(?i).*key";

  private static final Pattern NAME = Pattern.compile(NAME_REGEX);

  private Secrets() {
  }

  /** Whether a setting of this name holds a secret, by the rule above. */
  public static boolean isSecret(@Nullable String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** The value as it may be shown: {@link #MASK} for a secret setting, else the value's text. */
  public static String shown(String name, @Nullable Object value) {
    return isSecret(name) ? MASK : String.valueOf(value);
  }

  /** A copy of the settings, in their order, with each secret's value replaced by {@link #MASK}. */
  public static Map<String, Object> masked(Map<String, ?> settings) {
    Map<String, Object> shown = new LinkedHashMap<>();
    settings.forEach((name, value) -> shown.put(name, isSecret(name) ? MASK : value));
    return shown;
  }

  /**
   * The URL as it may be shown in a message: the values of secret parameters ({@code password=}, {@code
   * sslpassword=}, ..., after a {@code ?}, {@code &} or {@code ;}) and any user information before an {@code
   * @} in the authority are replaced by {@link #MASK}. Works on any text, also one that is not a valid URL
   * (the case where it is shown in an error).
   */
  public static @Nullable String maskedUrl(@Nullable String url) {
    if (url == null) {
      return null;
    }
    String text = url;
    int scheme = text.indexOf("//");
    if (scheme >= 0) {
      int start = scheme + 2;
      int end = start;
      while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
        end++;
      }
      int at = text.lastIndexOf('@', end - 1);
      if (at >= start) {
        text = text.substring(0, start) + MASK + text.substring(at);
      }
    }
    Matcher parameter = PARAMETER.matcher(text);
    StringBuilder shown = new StringBuilder();
    while (parameter.find()) {
      String replacement = isSecret(parameter.group(2)) ? parameter.group(1) + MASK : parameter.group();
      parameter.appendReplacement(shown, Matcher.quoteReplacement(replacement));
    }
    parameter.appendTail(shown);
    return shown.toString();
  }

  /** A {@code name=value} pair of a URL's query (group 1: up to the value, group 2: the name). */
  private static final Pattern PARAMETER = Pattern.compile("((?<=^|[?&;])([^?&;=]+)=)([^&;#]*)");
}
