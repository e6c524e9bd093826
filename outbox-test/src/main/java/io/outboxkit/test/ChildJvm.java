package io.outboxkit.test;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The command line of a child JVM that runs a main class from this JVM's class path: this JVM's {@code java},
 * the options given, the class path with every entry made absolute (so the child may run in another working
 * directory), then the main class and its arguments. The Kafka broker process uses it, and so may a test or a
 * demo that needs a process of its own to kill.
 */
public final class ChildJvm {

  private ChildJvm() {
  }

  /**
   * @param jvmOptions options before the class path, for example {@code -Xmx512m}
   * @param mainAndArguments the main class's name, then its arguments
   */
  public static List<String> command(List<String> jvmOptions, List<String> mainAndArguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(absoluteClassPath());
    command.addAll(mainAndArguments);
    return command;
  }

  private static String absoluteClassPath() {
    StringJoiner entries = new StringJoiner(File.pathSeparator);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        entries.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return entries.toString();
  }
}
