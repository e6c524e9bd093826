package io.outboxkit.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The relay's own JVM: starts one {@link MeasuredRelay}, then runs it until the harness writes {@code STOP}
 * (or closes) its standard input. Talks to the harness with lines on standard output that begin with
 * {@link #PREFIX}; logs go to standard error.
 *
 * <p>Arguments: the relay's id ({@link RelayKind#id()}) and a properties file written by
 * {@link RelayTarget#store(Path)}.
 */
public final class RelayProcessMain {

  static final String PREFIX = "@@relay ";
  static final String READY = "READY";
  static final String FAILED = "FAILED ";
  static final String STOPPED = "STOPPED";

  private RelayProcessMain() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length != 2) {
      out.println(PREFIX + FAILED + "usage: RelayProcessMain <relay id> <target properties file>");
      System.exit(2);
    }
    MeasuredRelay.Running running;
    try {
      RelayTarget target = RelayTarget.load(Path.of(args[1]));
      running = RelayKind.byId(args[0]).create().start(target);
    } catch (Exception e) {
      out.println(PREFIX + FAILED + oneLine(e.toString()));
      e.printStackTrace();
      System.exit(3);
      return;
    }
    out.println(PREFIX + READY);

    Thread stdin = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("STOP")) {
          // wait for STOP or the end of the stream
        }
      } catch (Exception ignored) {
        // a broken pipe means the harness is gone: stop as well
      }
    }, "relay-control");
    stdin.setDaemon(true);
    stdin.start();

    while (stdin.isAlive()) {
      String failure = running.failure();
      if (failure != null) {
        out.println(PREFIX + FAILED + oneLine(failure));
        running.close();
        System.exit(4);
      }
      stdin.join(200);
    }
    running.close();
    out.println(PREFIX + STOPPED);
    System.exit(0);
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').replace('\r', ' ');
  }
}
