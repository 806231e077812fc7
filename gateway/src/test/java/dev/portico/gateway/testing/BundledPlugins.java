package dev.portico.gateway.testing;

import dev.portico.gateway.plugin.TestPluginJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A plugins directory holding bundled plugins built from their sources, for tests that run them
 * through a real gateway, loaded as the distribution loads them: one jar each, its own class
 * loader.
 *
 * <pre>{@code
 * try (TestGateway gw = TestGateway.start(yaml, BundledPlugins.dir("headers"), testFactories...)) { ... }
 * }</pre>
 *
 * <p>Why from sources: the plugin modules' tests depend on this module's test-jar, so this module
 * cannot depend on them (Maven refuses the cycle), and their jars do not exist yet when this
 * module's tests run. The sources are compiled against the test class path (the SPI and Vert.x
 * core, exactly what a plugin gets from the gateway), once per JVM and set of modules.
 */
public final class BundledPlugins {

  private static final Map<String, Path> BUILT = new HashMap<>();

  private BundledPlugins() {}

  /** A directory with one jar per module of {@code plugins/} named, e.g. {@code dir("headers")}. */
  public static synchronized Path dir(String... modules) {
    String key = String.join(",", modules);
    return BUILT.computeIfAbsent(key, k -> build(modules));
  }

  private static Path build(String[] modules) {
    try {
      Path dir = Files.createTempDirectory("portico-bundled-plugins");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      for (String module : modules) {
        Path sources = moduleDir(module).resolve("src/main");
        TestPluginJars.Builder jar = TestPluginJars.plugin("portico-plugin-" + module + ".jar");
        Path java = sources.resolve("java");
        for (Path file : files(java)) {
          if (file.toString().endsWith(".java")) {
            String relative = java.relativize(file).toString();
            String className = relative.substring(0, relative.length() - ".java".length())
                .replace(file.getFileSystem().getSeparator(), ".");
            jar.source(className, Files.readString(file, StandardCharsets.UTF_8));
          }
        }
        Path resources = sources.resolve("resources");
        if (Files.isDirectory(resources)) {
          for (Path file : files(resources)) {
            String name = resources.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            jar.resource(name, Files.readString(file, StandardCharsets.UTF_8));
          }
        }
        for (Path library : shadedLibraries(moduleDir(module))) {
          embed(jar, library);
        }
        jar.writeTo(dir);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The jars, from the test class path, of the libraries the module's pom shades into its jar (the
   * {@code <include>group:artifact</include>} of its shade plugin's {@code artifactSet}): a plugin
   * built here carries them as its real jar does. This module needs them as test dependencies.
   */
  private static List<Path> shadedLibraries(Path moduleDir) throws IOException {
    Path pom = moduleDir.resolve("pom.xml");
    if (!Files.isRegularFile(pom)) {
      return List.of();
    }
    String text = Files.readString(pom, StandardCharsets.UTF_8);
    List<Path> out = new java.util.ArrayList<>();
    for (int at = text.indexOf("<include>"); at >= 0; at = text.indexOf("<include>", at + 1)) {
      String coordinates = text.substring(at + "<include>".length(), text.indexOf("</include>", at)).trim();
      String artifact = coordinates.substring(coordinates.indexOf(':') + 1);
      Path found = null;
      for (String entry : TestPluginJars.testClassPath()) {
        Path p = Path.of(entry);
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (name.startsWith(artifact + "-") && name.endsWith(".jar")) {
          found = p;
        }
      }
      if (found == null) {
        throw new IllegalStateException(moduleDir + " shades " + coordinates
            + ", which is not on this module's test class path: add it as a test dependency");
      }
      out.add(found);
    }
    return out;
  }

  /** Copies a library's classes and resources into the plugin's jar, as the shade plugin does. */
  private static void embed(TestPluginJars.Builder jar, Path library) throws IOException {
    try (java.util.jar.JarFile in = new java.util.jar.JarFile(library.toFile())) {
      for (java.util.jar.JarEntry e : java.util.Collections.list(in.entries())) {
        String name = e.getName();
        if (e.isDirectory() || name.equals("META-INF/MANIFEST.MF") || name.equals("META-INF/INDEX.LIST")
            || name.endsWith("module-info.class") || name.startsWith("META-INF/maven/")
            || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)")) {
          continue;
        }
        try (java.io.InputStream bytes = in.getInputStream(e)) {
          jar.resource(name, bytes.readAllBytes());
        }
      }
    }
  }

  /** {@code plugins/<module>} of this project, found from the working directory (a module's folder under Maven). */
  private static Path moduleDir(String module) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("plugins").resolve(module);
      if (Files.isDirectory(candidate.resolve("src/main/java"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("cannot find plugins/" + module + "/src/main/java above " + Path.of("").toAbsolutePath());
  }

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory: the OS cleans it up eventually
    }
  }
}
