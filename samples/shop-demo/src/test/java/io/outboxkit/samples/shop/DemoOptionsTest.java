package io.outboxkit.samples.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

  @Test
  void defaultsPlaceTwoThousandOrdersWithFaultsOnFreePorts() {
    DemoOptions options = DemoOptions.parse();
    assertThat(options.flow()).isEqualTo(Flow.SAGA);
    assertThat(options.orders()).isEqualTo(2000);
    assertThat(options.clients()).isEqualTo(8);
    assertThat(options.rate()).isEqualTo(25);
    assertThat(options.faults()).isTrue();
    assertThat(options.keepRunning()).isFalse();
    assertThat(options.ports()).containsExactly(0, 0, 0);
    assertThat(options.quietTimeout()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void keepRunningUsesTheDocumentedPortsUnlessGiven() {
    assertThat(DemoOptions.parse("--keep-running").ports()).containsExactly(8081, 8082, 8083);
    assertThat(DemoOptions.parse("--keep-running", "--ports=9001,9002,9003").ports()).containsExactly(9001, 9002, 9003);
  }

  @Test
  void readsEveryOption() {
    DemoOptions options = DemoOptions.parse("--flow=choreography", "--orders=50", "--clients=2", "--rate=0", "--seed=7", "--no-faults",
        "--quiet-timeout=30");
    assertThat(options).isEqualTo(new DemoOptions(Flow.CHOREOGRAPHY, 50, 2, 0, 7, false, false, List.of(0, 0, 0), Duration.ofSeconds(30)));
  }

  @Test
  void namesTheWrongOption() {
    assertThatThrownBy(() -> DemoOptions.parse("--orders=many")).hasMessage("--orders needs a whole number, not 'many'");
    assertThatThrownBy(() -> DemoOptions.parse("--clients=0")).hasMessage("--clients must be between 1 and 64, not 0");
    assertThatThrownBy(() -> DemoOptions.parse("--ports=1,2")).hasMessageStartingWith("--ports needs three port numbers");
    assertThatThrownBy(() -> DemoOptions.parse("--flow=orchestra"))
        .hasMessage("--flow must be one of saga, choreography, not 'orchestra'");
    assertThatThrownBy(() -> DemoOptions.parse("--fast")).hasMessage("unknown option --fast");
  }
}
