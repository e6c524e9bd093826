package io.outboxkit.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessStatsTest {

  @Test
  void peakRssIsReadFromVmHwm() {
    List<String> status = List.of("Name:\tjava", "VmPeak:\t 5000000 kB", "VmHWM:\t  262144 kB", "VmRSS:\t 200000 kB");
    assertThat(ProcessStats.peakRssBytes(status)).hasValue(262144L * 1024);
  }

  @Test
  void noVmHwmMeansUnknown() {
    assertThat(ProcessStats.peakRssBytes(List.of("Name:\tjava"))).isEmpty();
  }

  @Test
  void thisProcessReportsCpuTime() {
    assertThat(ProcessStats.cpuTime(ProcessHandle.current().pid())).isPresent();
  }
}
