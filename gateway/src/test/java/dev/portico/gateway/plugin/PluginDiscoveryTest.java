package dev.portico.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.PolicyKind;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which factories the catalog finds, and what it refuses. */
class PluginDiscoveryTest {

  private static final ClassLoader GATEWAY = PluginDiscoveryTest.class.getClassLoader();

  @TempDir Path plugins;
  @TempDir Path elsewhere;

  /** The gateway's class loader plus one jar, standing for factories on the application class path. */
  private URLClassLoader applicationWith(Path jar) throws Exception {
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, GATEWAY);
  }

  private static List<String> namesAndSources(PolicyCatalog catalog) {
    return catalog.policies().stream().map(p -> p.name() + ":" + p.kind().label() + ":" + p.source()).toList();
  }

  private static void assertHasLineContaining(List<String> problems, String... fragments) {
    for (String line : problems) {
      if (List.of(fragments).stream().allMatch(line::contains)) {
        return;
      }
    }
    throw new AssertionError("no problem mentions all of " + List.of(fragments) + " in:\n" + String.join("\n", problems));
  }

  @Test
  void anAbsentPluginsDirectoryGivesOnlyTheClassPathFactories() throws Exception {
    Path appJar = TestPluginJars.plugin("embedded.jar")
        .minimalFactory("com.example.EmbeddedFactory", "embedded", PolicyKind.TRANSFORMER)
        .writeTo(elsewhere);

    try (URLClassLoader application = applicationWith(appJar)) {
      try (PolicyCatalog catalog = PolicyCatalog.load(plugins.resolve("missing"), application)) {
        assertEquals(List.of("embedded:transformer:classpath"), namesAndSources(catalog));
        assertEquals(List.of("embedded"), List.copyOf(catalog.factories().keySet()));
      }
      try (PolicyCatalog catalog = PolicyCatalog.load(null, application)) {
        assertEquals(List.of("embedded:transformer:classpath"), namesAndSources(catalog));
      }
    }
  }

  @Test
  void eachJarDirectlyInThePluginsDirectoryIsLoadedAndPoliciesAreSortedByName() throws Exception {
    TestPluginJars.plugin("a-first.jar").minimalFactory("com.example.a.Zeta", "zeta", PolicyKind.THROTTLER).writeTo(plugins);
    TestPluginJars.plugin("b-second.jar")
        .minimalFactory("com.example.b.Alpha", "alpha", PolicyKind.AUTHORIZER)
        .minimalFactory("com.example.b.Mu", "mu", PolicyKind.TRANSFORMER)
        .writeTo(plugins);
    // Not plugins: a jar in a sub-directory, a file that is not a jar, a disabled jar.
    TestPluginJars.plugin("nested.jar").minimalFactory("com.example.n.Nested", "nested", PolicyKind.TRANSFORMER)
        .writeTo(plugins.resolve("old"));
    Files.writeString(plugins.resolve("README.txt"), "drop plugin jars here");
    TestPluginJars.plugin("off.jar.disabled").minimalFactory("com.example.o.Off", "off", PolicyKind.TRANSFORMER)
        .writeTo(plugins);

    try (PolicyCatalog catalog = PolicyCatalog.load(plugins, GATEWAY)) {
      assertEquals(
          List.of("alpha:authorizer:b-second.jar", "mu:transformer:b-second.jar", "zeta:throttler:a-first.jar"),
          namesAndSources(catalog));
      assertEquals(List.of("alpha", "mu", "zeta"), List.copyOf(catalog.factories().keySet()));
    }
  }

  @Test
  void aJarWithoutFactoriesIsIgnored() throws Exception {
    TestPluginJars.plugin("library.jar")
        .source("com.example.lib.Util", "package com.example.lib; public final class Util {}")
        .writeTo(plugins);

    try (PolicyCatalog catalog = PolicyCatalog.load(plugins, GATEWAY)) {
      assertEquals(List.of(), catalog.policies());
    }
  }

  @Test
  void twoFactoriesWithTheSameNameAreRefusedNamingBothJars() throws Exception {
    TestPluginJars.plugin("hello-1.0.jar").minimalFactory("com.example.v1.Hello", "hello", PolicyKind.TRANSFORMER).writeTo(plugins);
    TestPluginJars.plugin("hello-2.0.jar").minimalFactory("com.example.v2.Hello", "hello", PolicyKind.TRANSFORMER).writeTo(plugins);

    PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(plugins, GATEWAY));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertHasLineContaining(e.problems(), "'hello'",
        "hello-1.0.jar (com.example.v1.Hello)", "hello-2.0.jar (com.example.v2.Hello)");
  }

  @Test
  void aJarClashingWithAClassPathFactoryIsRefusedNamingBoth() throws Exception {
    Path appJar = TestPluginJars.plugin("embedded.jar")
        .minimalFactory("com.example.EmbeddedHeaders", "headers", PolicyKind.TRANSFORMER)
        .writeTo(elsewhere);
    TestPluginJars.plugin("my-headers.jar").minimalFactory("com.example.MyHeaders", "headers", PolicyKind.TRANSFORMER).writeTo(plugins);

    try (URLClassLoader application = applicationWith(appJar)) {
      PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(plugins, application));
      assertHasLineContaining(e.problems(), "'headers'", "classpath (com.example.EmbeddedHeaders)", "my-headers.jar (com.example.MyHeaders)");
    }
  }

  @Test
  void aBrokenJarIsRefusedNamingIt() throws Exception {
    TestPluginJars.plugin("good.jar").minimalFactory("com.example.Good", "good", PolicyKind.TRANSFORMER).writeTo(plugins);
    TestPluginJars.notAJar(plugins, "truncated.jar");

    PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(plugins, GATEWAY));

    assertEquals(1, e.problems().size(), e.getMessage());
    assertHasLineContaining(e.problems(), "truncated.jar", "cannot be opened as a jar");
  }

  @Test
  void everyProblemIsReportedOnItsOwnLineNamingItsJar() throws Exception {
    TestPluginJars.notAJar(plugins, "a-corrupt.jar");
    TestPluginJars.plugin("b-throws.jar")
        .source("com.example.Boom", """
            package com.example;
            import dev.portico.spi.*;
            public final class Boom implements PolicyFactory<Object> {
              public Boom() { throw new IllegalStateException("no licence key"); }
              public String name() { return "boom"; }
              public PolicyKind kind() { return PolicyKind.TRANSFORMER; }
              public Object parse(ConfigReader config) { return null; }
              public Policy create(Object config, PolicyEnvironment env) { return null; }
            }
            """)
        .factory("com.example.Boom")
        .writeTo(plugins);
    TestPluginJars.plugin("c-blank.jar").minimalFactory("com.example.Blank", " ", PolicyKind.AUTHORIZER).writeTo(plugins);
    TestPluginJars.plugin("d-no-kind.jar")
        .source("com.example.NoKind", TestPluginJars.minimalFactorySource("com.example.NoKind", "no-kind", PolicyKind.TRANSFORMER)
            .replace("return PolicyKind.TRANSFORMER;", "return null;"))
        .factory("com.example.NoKind")
        .writeTo(plugins);
    TestPluginJars.plugin("e-missing-class.jar").factory("com.example.NotInTheJar").writeTo(plugins);

    PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(plugins, GATEWAY));

    assertEquals(5, e.problems().size(), e.getMessage());
    assertEquals(String.join("\n", e.problems()), e.getMessage());
    assertHasLineContaining(e.problems(), "a-corrupt.jar", "cannot be opened as a jar");
    assertHasLineContaining(e.problems(), "b-throws.jar", "com.example.Boom could not be instantiated", "no licence key");
    assertHasLineContaining(e.problems(), "c-blank.jar", "com.example.Blank.name() is blank");
    assertHasLineContaining(e.problems(), "d-no-kind.jar", "com.example.NoKind.kind() is null");
    assertHasLineContaining(e.problems(), "e-missing-class.jar", "com.example.NotInTheJar not found");
  }

  @Test
  void aPluginLinkedAgainstGatewayInternalsIsRefusedWithAHintToShade() throws Exception {
    TestPluginJars.plugin("internal.jar")
        .source("com.example.Internal", """
            package com.example;
            import dev.portico.spi.*;
            public final class Internal implements PolicyFactory<Object> {
              private final Object settings = new dev.portico.gateway.config.PluginSettings(null);
              public String name() { return "internal"; }
              public PolicyKind kind() { return PolicyKind.TRANSFORMER; }
              public Object parse(ConfigReader config) { return null; }
              public Policy create(Object config, PolicyEnvironment env) { return null; }
            }
            """)
        .factory("com.example.Internal")
        .writeTo(plugins);

    PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(plugins, GATEWAY));

    assertHasLineContaining(e.problems(), "internal.jar", "dev.portico.gateway.config.PluginSettings", "shade");
  }

  @Test
  void aJarWhoseManifestReachesOutsideItIsRefused() throws Exception {
    TestPluginJars.plugin("reaching.jar")
        .minimalFactory("com.example.Reaching", "reaching", PolicyKind.TRANSFORMER)
        .manifestAttribute("Class-Path", "lib/guava.jar")
        .writeTo(plugins);

    PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(plugins, GATEWAY));

    assertHasLineContaining(e.problems(), "reaching.jar", "Class-Path", "self-contained");
  }

  @Test
  void aPluginsPathThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(plugins.resolve("plugins"), "");

    PluginLoadException e = assertThrows(PluginLoadException.class, () -> PolicyCatalog.load(file, GATEWAY));

    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
  }
}
