package io.outboxkit.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Maven coordinates follow the folders: every module of the build, found through the {@code <modules>} of
 * the root POM and of the aggregators below it, has the artifact id {@code outboxkit-} + its folder (a
 * {@code /} written {@code -}), the root {@code outboxkit-parent}; and every {@code io.outboxkit} dependency
 * names a module of this build, so that an old name cannot be resolved from a stale local repository.
 */
class ArtifactIdsTest {

  private static final Path ROOT = Path.of(System.getProperty("outboxkit.root", "..")).toAbsolutePath().normalize();
  private static final String GROUP_ID = "io.outboxkit";
  private static final String PREFIX = "outboxkit-";
  private static final String ROOT_ARTIFACT_ID = "outboxkit-parent";

  /** A POM of the build: its folder relative to the root ("" for the root) and its parsed document. */
  record ModulePom(String folder, Element project) {

    @Nullable String artifactId() {
      return text(project, "artifactId");
    }

    String expectedArtifactId() {
      return folder.isEmpty() ? ROOT_ARTIFACT_ID : PREFIX + folder.replace('/', '-');
    }
  }

  @Test
  void everyModulesArtifactIdIsThePrefixAndItsFolder() throws Exception {
    List<ModulePom> poms = reactor();
    assertThat(poms).as("POMs of the build").hasSizeGreaterThan(10);
    Map<String, String> wrong = new LinkedHashMap<>();
    for (ModulePom pom : poms) {
      if (!pom.expectedArtifactId().equals(pom.artifactId())) {
        wrong.put(pom.folder().isEmpty() ? "(root)" : pom.folder(),
            pom.artifactId() + ", expected " + pom.expectedArtifactId());
      }
    }
    assertThat(wrong).as("modules whose artifact id does not follow the folder").isEmpty();
  }

  @Test
  void everyOutboxKitDependencyNamesAModuleOfThisBuild() throws Exception {
    List<ModulePom> poms = reactor();
    Set<String> artifactIds = new TreeSet<>();
    poms.forEach(pom -> artifactIds.add(pom.artifactId()));
    List<String> unknown = new ArrayList<>();
    for (ModulePom pom : poms) {
      for (Element dependency : dependencies(pom.project())) {
        String artifactId = text(dependency, "artifactId");
        if (GROUP_ID.equals(text(dependency, "groupId")) && !artifactIds.contains(artifactId)) {
          unknown.add((pom.folder().isEmpty() ? "pom.xml" : pom.folder() + "/pom.xml") + ": " + artifactId);
        }
      }
      Element parent = child(pom.project(), "parent");
      if (parent != null && !artifactIds.contains(text(parent, "artifactId"))) {
        unknown.add(pom.folder() + "/pom.xml: parent " + text(parent, "artifactId"));
      }
    }
    assertThat(unknown).as("io.outboxkit artifacts named in the POMs that no module of this build has").isEmpty();
  }

  /** The root POM and every module below it, through the {@code <modules>} lists. */
  static List<ModulePom> reactor() throws Exception {
    assertThat(ROOT.resolve("pom.xml")).as("the project's root POM").isRegularFile();
    List<ModulePom> poms = new ArrayList<>();
    collect("", poms);
    return poms;
  }

  private static void collect(String folder, List<ModulePom> poms) throws Exception {
    Path file = (folder.isEmpty() ? ROOT : ROOT.resolve(folder)).resolve("pom.xml");
    assertThat(file).as("the POM of module " + folder).isRegularFile();
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document;
    try (var in = Files.newInputStream(file)) {
      document = factory.newDocumentBuilder().parse(in);
    }
    ModulePom pom = new ModulePom(folder, document.getDocumentElement());
    poms.add(pom);
    Element modules = child(pom.project(), "modules");
    if (modules != null) {
      for (Element module : children(modules, "module")) {
        String name = module.getTextContent().trim();
        collect(folder.isEmpty() ? name : folder + "/" + name, poms);
      }
    }
  }

  /** The {@code <dependency>} elements of the POM's dependencies and dependency management. */
  private static List<Element> dependencies(Element project) {
    List<Element> found = new ArrayList<>();
    Element direct = child(project, "dependencies");
    if (direct != null) {
      found.addAll(children(direct, "dependency"));
    }
    Element management = child(project, "dependencyManagement");
    Element managed = management == null ? null : child(management, "dependencies");
    if (managed != null) {
      found.addAll(children(managed, "dependency"));
    }
    return found;
  }

  private static @Nullable String text(Element parent, String name) {
    Element element = child(parent, name);
    return element == null ? null : element.getTextContent().trim();
  }

  private static @Nullable Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && name.equals(element.getTagName())) {
        found.add(element);
      }
    }
    return found;
  }
}
