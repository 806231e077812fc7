package dev.portico.gateway.plugin;

import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars while a test runs: compiles Java sources (held as strings) against the
 * test class path, and writes them as a jar with its {@code META-INF/services} file, ready to drop
 * into a plugins directory.
 *
 * <pre>{@code
 * @TempDir Path plugins;
 *
 * Path jar = TestPluginJars.plugin("hello.jar")
 *     .source("com.example.HelloFactory", """
 *         package com.example;
 *         import dev.portico.spi.*;
 *         public final class HelloFactory implements PolicyFactory<String> {
 *           public String name() { return "hello"; }
 *           public PolicyKind kind() { return PolicyKind.TRANSFORMER; }
 *           public String parse(ConfigReader config) { return config.requiredString("greeting"); }
 *           public Policy create(String greeting, PolicyEnvironment env) { return new Transformer() {}; }
 *         }
 *         """)
 *     .factory("com.example.HelloFactory")          // listed in META-INF/services
 *     .writeTo(plugins);
 *
 * // or, when only the name and kind matter:
 * TestPluginJars.plugin("noop.jar").minimalFactory("com.example.Noop", "noop", PolicyKind.THROTTLER).writeTo(plugins);
 * }</pre>
 *
 * <p>Sources see everything the test sees at compile time (the SPI, Vert.x, the gateway itself);
 * what they see at run time is up to the class loader that loads the jar, which is what tests of
 * plugin isolation are about. Compilation errors fail the test with javac's messages.
 */
public final class TestPluginJars {

  private static final String SERVICE_FILE = "META-INF/services/" + PolicyFactory.class.getName();

  private TestPluginJars() {}

  /** Starts a plugin jar that will be written as {@code fileName}, e.g. {@code hello.jar}. */
  public static Builder plugin(String fileName) {
    return new Builder(fileName);
  }

  /** Writes a file named like a jar that is not one (not even a zip): a corrupt download. */
  public static Path notAJar(Path dir, String fileName) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(fileName), "this is not a jar\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The source of a factory of a do-nothing policy of {@code kind} named {@code policyName}; its
   * configuration is accepted as is and bound to itself ({@code JsonObject}).
   */
  public static String minimalFactorySource(String className, String policyName, PolicyKind kind) {
    int dot = className.lastIndexOf('.');
    String pkg = dot < 0 ? "" : "package " + className.substring(0, dot) + ";\n";
    String simple = className.substring(dot + 1);
    String policy = switch (kind) {
      case AUTHORIZER -> "(Authorizer) ctx -> Future.succeededFuture(Principal.ANONYMOUS)";
      case THROTTLER -> "(Throttler) ctx -> Future.succeededFuture(ThrottleDecision.admit(1, 1, java.time.Duration.ZERO))";
      case TRANSFORMER -> "new Transformer() {}";
    };
    return pkg
        + "import dev.portico.spi.*;\n"
        + "import io.vertx.core.Future;\n"
        + "import io.vertx.core.json.JsonObject;\n"
        + "public final class " + simple + " implements PolicyFactory<JsonObject> {\n"
        + "  public String name() { return \"" + policyName + "\"; }\n"
        + "  public PolicyKind kind() { return PolicyKind." + kind.name() + "; }\n"
        + "  public JsonObject parse(ConfigReader config) { config.allow(config.json().fieldNames().toArray(new String[0])); return config.json(); }\n"
        + "  public Policy create(JsonObject config, PolicyEnvironment env) { return " + policy + "; }\n"
        + "}\n";
  }

  /** A plugin jar being put together; {@link #writeTo} compiles and writes it. */
  public static final class Builder {

    private final String fileName;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Set<String> factories = new LinkedHashSet<>();
    private final Map<String, byte[]> resources = new LinkedHashMap<>();
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final List<Path> classPath = new ArrayList<>();

    private Builder(String fileName) {
      this.fileName = fileName;
    }

    /** Adds a compilation unit whose top-level public type is {@code className}. */
    public Builder source(String className, String code) {
      sources.put(className, code);
      return this;
    }

    /** Lists {@code className} in {@code META-INF/services/dev.portico.spi.PolicyFactory}. */
    public Builder factory(String className) {
      factories.add(className);
      return this;
    }

    /** Adds a {@linkplain #minimalFactorySource minimal factory} and lists it as a factory. */
    public Builder minimalFactory(String className, String policyName, PolicyKind kind) {
      return source(className, minimalFactorySource(className, policyName, kind)).factory(className);
    }

    /** Adds a file to the jar, e.g. {@code config/defaults.json}. */
    public Builder resource(String path, String content) {
      resources.put(path, content.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Adds a file to the jar as bytes, e.g. a class of a library the plugin shades. */
    public Builder resource(String path, byte[] content) {
      resources.put(path, content.clone());
      return this;
    }

    /** Adds a main attribute to the jar's manifest, e.g. {@code Class-Path}. */
    public Builder manifestAttribute(String name, String value) {
      manifest.put(name, value);
      return this;
    }

    /**
     * Compiles the sources against these too, without putting them in the jar: how a plugin that
     * forgot to shade a dependency is made.
     */
    public Builder compileAgainst(Path... jarsOrDirectories) {
      classPath.addAll(List.of(jarsOrDirectories));
      return this;
    }

    /** Compiles the sources and writes the jar into {@code dir} (created if needed). */
    public Path writeTo(Path dir) {
      Map<String, byte[]> classes = compile();
      Manifest mf = new Manifest();
      mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
      try {
        Files.createDirectories(dir);
        Path jar = dir.resolve(fileName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
          for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            put(out, c.getKey().replace('.', '/') + ".class", c.getValue());
          }
          if (!factories.isEmpty()) {
            put(out, SERVICE_FILE, (String.join("\n", factories) + "\n").getBytes(StandardCharsets.UTF_8));
          }
          for (Map.Entry<String, byte[]> r : resources.entrySet()) {
            put(out, r.getKey(), r.getValue());
          }
        }
        return jar;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
      out.putNextEntry(new JarEntry(name));
      out.write(bytes);
      out.closeEntry();
    }

    private Map<String, byte[]> compile() {
      if (sources.isEmpty()) {
        return Map.of();
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      if (javac == null) {
        throw new IllegalStateException("no Java compiler: tests must run on a JDK, not a JRE");
      }
      List<JavaFileObject> units = new ArrayList<>();
      sources.forEach((name, code) -> units.add(new SourceInMemory(name, code)));
      List<String> cp = new ArrayList<>(testClassPath());
      classPath.forEach(p -> cp.add(p.toString()));
      List<String> options = List.of(
          "--release", "17", "-proc:none", "-nowarn", "-classpath", String.join(File.pathSeparator, cp));
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (ClassesInMemory files = new ClassesInMemory(javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8))) {
        boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
        if (!ok) {
          throw new IllegalStateException("cannot compile the sources of " + fileName + ":\n"
              + diagnostics.getDiagnostics().stream()
                  .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                  .map(Object::toString)
                  .collect(Collectors.joining("\n")));
        }
        return files.classes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * The test's class path as javac needs it. Surefire may run tests with a single "manifest-only"
   * jar on {@code java.class.path} whose {@code Class-Path} lists the real entries, as URLs.
   */
  static List<String> testClassPath() {
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      out.add(entry);
      if (entry.endsWith(".jar")) {
        out.addAll(manifestClassPath(Path.of(entry)));
      }
    }
    return out;
  }

  private static List<String> manifestClassPath(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest mf = file.getManifest();
      String classPath = mf == null ? null : mf.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (String item : classPath.trim().split("\\s+")) {
        URI uri = jar.toUri().resolve(item);
        out.add(Path.of(uri).toString());
      }
      return out;
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static final class SourceInMemory extends SimpleJavaFileObject {
    private final String code;

    SourceInMemory(String className, String code) {
      super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }

  /** Keeps javac's output in memory: nothing to clean up, nothing shared between tests. */
  private static final class ClassesInMemory extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, ByteArrayOutputStream> classes = new TreeMap<>();

    ClassesInMemory(StandardJavaFileManager files) {
      super(files);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(
        Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      if (location != StandardLocation.CLASS_OUTPUT || kind != JavaFileObject.Kind.CLASS) {
        throw new IllegalStateException("unexpected output " + className + kind.extension + " in " + location);
      }
      URI uri = URI.create("mem:///" + className.replace('.', '/') + kind.extension);
      return new SimpleJavaFileObject(uri, kind) {
        @Override
        public OutputStream openOutputStream() {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          classes.put(className, out);
          return out;
        }
      };
    }

    Map<String, byte[]> classes() {
      Map<String, byte[]> out = new TreeMap<>();
      classes.forEach((name, bytes) -> out.put(name, bytes.toByteArray()));
      return out;
    }
  }
}
