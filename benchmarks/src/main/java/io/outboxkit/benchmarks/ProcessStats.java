package io.outboxkit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Resource use of a process: CPU time through {@link ProcessHandle} (any platform that reports it) and
 * peak resident memory from {@code /proc/<pid>/status} ({@code VmHWM}, Linux only).
 */
final class ProcessStats {

  private ProcessStats() {
  }

  /** CPU time (user + system) the process used so far, when the platform tells. */
  static Optional<Duration> cpuTime(long pid) {
    return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration());
  }

  /** The process's peak resident set size in bytes ({@code VmHWM}), on Linux while it runs. */
  static OptionalLong peakRssBytes(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      return peakRssBytes(Files.readAllLines(status));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** {@code VmHWM} of a {@code /proc/<pid>/status} text, in bytes. */
  static OptionalLong peakRssBytes(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
        long value = Long.parseLong(parts[0]);
        String unit = parts.length > 1 ? parts[1] : "kB";
        return OptionalLong.of(switch (unit) {
          case "kB" -> value * 1024;
          case "mB", "MB" -> value * 1024 * 1024;
          default -> value;
        });
      }
    }
    return OptionalLong.empty();
  }
}
