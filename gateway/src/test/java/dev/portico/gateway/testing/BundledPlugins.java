package dev.portico.gateway.testing;

import dev.portico.gateway.plugin.TestPluginJars;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
          jar.compileAgainst(library);
          shade(library, jar);
        }
        jar.writeTo(dir);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The jars, found on this test's class path, of the libraries the module's pom declares without
   * a scope: what its {@code maven-shade-plugin} puts into the real plugin jar. A module that
   * shades a library needs that library among the test dependencies of the module whose tests
   * build it here (as {@code vertx-json-schema} is for {@code validate}).
   */
  private static List<Path> shadedLibraries(Path module) throws IOException {
    String pom = Files.readString(module.resolve("pom.xml"), StandardCharsets.UTF_8);
    int start = pom.indexOf("<dependencies>");
    if (start < 0) {
      return List.of();
    }
    String dependencies = pom.substring(start, pom.indexOf("</dependencies>", start));
    Matcher dependency = DEPENDENCY.matcher(dependencies);
    List<Path> jars = new ArrayList<>();
    while (dependency.find()) {
      String body = dependency.group(1);
      if (body.contains("<scope>")) {
        continue;
      }
      String groupId = tag(body, "groupId");
      String artifactId = tag(body, "artifactId");
      String folder = "/" + groupId.replace('.', '/') + "/" + artifactId + "/";
      Path found = null;
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        String normal = entry.replace('\\', '/');
        if (normal.contains(folder) && normal.endsWith(".jar")) {
          found = Path.of(entry);
        }
      }
      if (found == null) {
        throw new IllegalStateException(module.getFileName() + " shades " + groupId + ":" + artifactId
            + ", which is not on this test's class path: add it to the test dependencies");
      }
      jars.add(found);
    }
    return jars;
  }

  private static final Pattern DEPENDENCY = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + name + ">\\s*([^<]+?)\\s*</" + name + ">").matcher(xml);
    if (!m.find()) {
      throw new IllegalStateException("a dependency without " + name + ": " + xml);
    }
    return m.group(1);
  }

  /** Copies a library's classes and resources into the plugin jar, as the shade plugin does. */
  private static void shade(Path library, TestPluginJars.Builder jar) throws IOException {
    try (JarFile in = new JarFile(library.toFile())) {
      for (JarEntry entry : java.util.Collections.list(in.entries())) {
        String name = entry.getName();
        if (entry.isDirectory() || name.equals("module-info.class") || name.startsWith("META-INF/")) {
          continue;
        }
        try (InputStream bytes = in.getInputStream(entry)) {
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
