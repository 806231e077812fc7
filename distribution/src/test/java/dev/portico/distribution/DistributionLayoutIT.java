package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What {@code mvn package} leaves: the unpacked tree and the archive, laid out as documented. */
class DistributionLayoutIT {

  private final Path dist = PorticoProcess.distribution();

  @Test
  void unpackedDistributionHasTheDocumentedLayout() throws IOException {
    assertTrue(Files.isExecutable(dist.resolve("bin/portico")), "bin/portico is not executable");
    for (String conf : List.of("conf/portico.yaml", "conf/hazelcast.yaml", "conf/logback.xml")) {
      assertTrue(Files.isRegularFile(dist.resolve(conf)), conf + " is missing");
    }
    assertFalse(Files.exists(dist.resolve("data")), "data/ is created at first start, not shipped");

    Set<String> lib = fileNames(dist.resolve("lib"));
    assertTrue(lib.contains("portico-gateway-" + PorticoProcess.version() + ".jar"), () -> "lib/: " + lib);
    assertTrue(lib.contains("portico-plugin-api-" + PorticoProcess.version() + ".jar"), () -> "lib/: " + lib);
    assertTrue(lib.stream().noneMatch(jar -> jar.startsWith("portico-plugin-") && !jar.startsWith("portico-plugin-api-")),
        () -> "a plugin jar is on the class path, lib/: " + lib);

    // every module of plugins/ ships, and nothing else: a module missing from this pom's
    // dependencies would otherwise be built and tested but never bundled
    Set<String> expected = new TreeSet<>();
    for (String module : bundledPluginModules()) {
      expected.add("portico-plugin-" + module + "-" + PorticoProcess.version() + ".jar");
    }
    assertEquals(expected, fileNames(dist.resolve("plugins")));
  }

  /** The {@code <module>}s of {@code plugins/pom.xml}. */
  private static List<String> bundledPluginModules() throws IOException {
    String pom = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("plugins/pom.xml"));
    List<String> modules = new java.util.ArrayList<>();
    for (int at = pom.indexOf("<module>"); at >= 0; at = pom.indexOf("<module>", at + 1)) {
      modules.add(pom.substring(at + "<module>".length(), pom.indexOf("</module>", at)).trim());
    }
    assertFalse(modules.isEmpty(), "no <module> in plugins/pom.xml");
    return modules;
  }

  @Test
  void archiveHoldsTheSameTreeUnderOneTopFolder() throws Exception {
    Path archive = dist.resolveSibling("portico-" + PorticoProcess.version() + ".tar.gz");
    Process tar = new ProcessBuilder("tar", "tzf", archive.toString()).redirectErrorStream(true).start();
    List<String> entries = new String(tar.getInputStream().readAllBytes()).lines().toList();
    assertTrue(tar.waitFor(30, TimeUnit.SECONDS), "tar did not finish");
    assertEquals(0, tar.exitValue(), () -> String.join("\n", entries));

    Set<String> archived = new TreeSet<>();
    for (String entry : entries) {
      assertTrue(entry.startsWith("portico/"), () -> "entry outside portico/: " + entry);
      if (!entry.endsWith("/")) {
        archived.add(entry.substring("portico/".length()));
      }
    }
    assertEquals(filesUnder(dist), archived);
  }

  private static Set<String> fileNames(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<String> filesUnder(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .map(file -> root.relativize(file).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
