package io.outboxkit.inbox.kafka;

import java.util.List;

/** Joins the parts of a composite dedup key so that different parts never give the same key. */
final class KeyParts {

  private KeyParts() {
  }

  /** Joins with {@code |}, escaping {@code |} and {@code \} in each part; a single part stays as it is. */
  static String join(List<String> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    StringBuilder key = new StringBuilder();
    for (String part : parts) {
      if (key.length() > 0) {
        key.append('|');
      }
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c == '|' || c == '\\') {
          key.append('\\');
        }
        key.append(c);
      }
    }
    return key.toString();
  }
}
