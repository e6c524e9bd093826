package io.outboxkit.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dependency rules between OutboxKit's modules, checked on each module's compiled classes
 * ({@code <module>/target/classes}):
 *
 * <ul>
 *   <li>the library modules (core, writer, relay, inbox) use neither Spring Boot nor OutboxKit's Spring module;
 *   <li>a package {@code io.outboxkit.<module>.internal} is used only inside its own module, except
 *       {@code io.outboxkit.core.internal}, which holds implementation shared by OutboxKit's own modules;
 *   <li>the samples use public API only: no internal package at all, core's included.
 * </ul>
 */
class ArchitectureTest {

  private static final Path ROOT = Path.of(System.getProperty("outboxkit.root", "..")).toAbsolutePath().normalize();

  /** Implementation shared by OutboxKit's modules; not for applications, samples included. */
  private static final String CORE_INTERNAL = "io.outboxkit.core.internal";

  /** What a module is, and so what it may use. */
  enum Kind {

    /** Usable from plain Java: no Spring Boot, no OutboxKit Spring module. */
    LIBRARY,

    /** Another part of OutboxKit: may use core's shared internal package. */
    OUTBOXKIT,

    /** An example for users: public API only. */
    SAMPLE
  }

  /** A module with production code: its folder under the project root and its kind. */
  record Module(String folder, Kind kind) {

    JavaClasses classes() {
      Path classes = ROOT.resolve(folder).resolve("target/classes");
      assertThat(classes).as("compiled classes of %s (build the module first)", folder).isDirectory();
      JavaClasses imported = new ClassFileImporter().importPath(classes);
      assertThat(imported.size()).as("classes in %s", classes).isPositive();
      return imported;
    }

    @Override
    public String toString() {
      return folder;
    }
  }

  private static final List<Module> MODULES = List.of(
      new Module("outbox-core", Kind.LIBRARY),
      new Module("outbox-writer", Kind.LIBRARY),
      new Module("outbox-relay", Kind.LIBRARY),
      new Module("inbox-dedup", Kind.LIBRARY),
      new Module("saga", Kind.LIBRARY),
      new Module("spring-boot-autoconfigure", Kind.OUTBOXKIT),
      new Module("outbox-relay-server", Kind.OUTBOXKIT),
      new Module("outbox-test", Kind.OUTBOXKIT),
      new Module("benchmarks", Kind.OUTBOXKIT),
      new Module("samples/sample-support", Kind.SAMPLE),
      new Module("samples/order-service", Kind.SAMPLE),
      new Module("samples/inventory-service", Kind.SAMPLE),
      new Module("samples/payment-service", Kind.SAMPLE),
      new Module("samples/shop-demo", Kind.SAMPLE));

  static Stream<Module> libraries() {
    return MODULES.stream().filter(module -> module.kind() == Kind.LIBRARY);
  }

  static Stream<Module> outboxKitModules() {
    return MODULES.stream().filter(module -> module.kind() != Kind.SAMPLE);
  }

  static Stream<Module> samples() {
    return MODULES.stream().filter(module -> module.kind() == Kind.SAMPLE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("libraries")
  void libraryModulesDoNotUseSpringBoot(Module module) {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework.boot..", "io.outboxkit.spring..")
        .because("the writer, the relay and the inbox are usable from plain Java; their Spring Boot support lives in "
            + "spring-boot-autoconfigure")
        .check(module.classes());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("outboxKitModules")
  void internalPackagesAreUsedOnlyInsideTheirModule(Module module) {
    JavaClasses classes = module.classes();
    Set<String> own = classes.stream()
        .map(JavaClass::getPackageName)
        .filter(ArchitectureTest::isInternal)
        .collect(Collectors.toSet());
    DescribedPredicate<JavaClass> internalOfAnotherModule = DescribedPredicate.describe(
        "reside in another module's internal package (" + CORE_INTERNAL + " excepted)",
        target -> isInternal(target.getPackageName())
            && !own.contains(target.getPackageName())
            && !isInPackage(target.getPackageName(), CORE_INTERNAL));
    noClasses().should().dependOnClassesThat(internalOfAnotherModule)
        .because("an internal package is implementation of its module and may change in any release")
        .check(classes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void samplesUseOnlyPublicApi(Module module) {
    noClasses().should().dependOnClassesThat().resideInAPackage("io.outboxkit..internal..")
        .because("the samples show what an application may use; internal packages, " + CORE_INTERNAL
            + " included, are not API")
        .check(module.classes());
  }

  /** A new module with code must be given a kind above, or the rules would silently skip it. */
  @Test
  void everyModuleWithCodeIsChecked() throws IOException {
    assertThat(ROOT.resolve("pom.xml")).as("the project's root POM").isRegularFile();
    Set<String> withCode;
    try (Stream<Path> paths = Files.walk(ROOT, 5)) {
      withCode = paths
          .filter(path -> path.endsWith(Path.of("src", "main", "java")) && Files.isDirectory(path))
          .map(path -> ROOT.relativize(path.getParent().getParent().getParent()).toString().replace('\\', '/'))
          .filter(folder -> !folder.contains("target"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(MODULES.stream().map(Module::folder).toList())
        .as("modules listed in ArchitectureTest.MODULES")
        .containsAll(withCode);
  }

  private static boolean isInternal(String packageName) {
    return packageName.startsWith("io.outboxkit.")
        && (packageName.endsWith(".internal") || packageName.contains(".internal."));
  }

  private static boolean isInPackage(String packageName, String parent) {
    return packageName.equals(parent) || packageName.startsWith(parent + ".");
  }
}
