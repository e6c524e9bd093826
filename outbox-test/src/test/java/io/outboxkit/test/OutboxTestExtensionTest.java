package io.outboxkit.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;

class OutboxTestExtensionTest {

  @OutboxIntegrationTest
  static class OnTheProvidersServers {
  }

  @OutboxIntegrationTest(embedded = true)
  static class RestartsTheBroker {

    class NestedInIt {
    }
  }

  static class InheritsIt extends RestartsTheBroker {
  }

  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @OutboxIntegrationTest(embedded = true)
  @interface FaultTest {
  }

  @FaultTest
  static class MetaAnnotated {
  }

  @OutboxIntegrationTest(embedded = true)
  static class Outer {

    @OutboxIntegrationTest
    class SaysOtherwise {
    }
  }

  @Test
  void aTestAsksForTheEmbeddedServersWithItsAnnotation() {
    assertThat(OutboxTestExtension.needsEmbeddedServers(OnTheProvidersServers.class)).isFalse();
    assertThat(OutboxTestExtension.needsEmbeddedServers(RestartsTheBroker.class)).isTrue();
    assertThat(OutboxTestExtension.needsEmbeddedServers(OutboxTestExtensionTest.class)).isFalse();
  }

  @Test
  void theRequestIsInheritedNestedAndMetaAnnotated() {
    assertThat(OutboxTestExtension.needsEmbeddedServers(InheritsIt.class)).isTrue();
    assertThat(OutboxTestExtension.needsEmbeddedServers(RestartsTheBroker.NestedInIt.class)).isTrue();
    assertThat(OutboxTestExtension.needsEmbeddedServers(MetaAnnotated.class)).isTrue();
  }

  @Test
  void theNearestAnnotationDecides() {
    assertThat(OutboxTestExtension.needsEmbeddedServers(Outer.SaysOtherwise.class)).isFalse();
  }
}
