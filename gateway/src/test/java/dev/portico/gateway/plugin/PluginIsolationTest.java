package dev.portico.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plugin's class loader lets it see: its own jar, the JDK and the shared packages, nothing else. */
class PluginIsolationTest {

  private static final ClassLoader GATEWAY = PluginIsolationTest.class.getClassLoader();

  @TempDir Path plugins;
  @TempDir Path elsewhere;

  /** A library class: the same name in every jar, a different answer in each. */
  private static String greetingLibrary(String version) {
    return """
        package com.example.lib;
        public final class Greeting {
          public static String version() { return "%s"; }
        }
        """.formatted(version);
  }

  /** A factory whose parse() answers with what the plugin's code sees: here, its library's version. */
  private static String factoryParsingTo(String className, String policyName, String expression) {
    int dot = className.lastIndexOf('.');
    return """
        package %s;
        import dev.portico.spi.*;
        public final class %s implements PolicyFactory<String> {
          public String name() { return "%s"; }
          public PolicyKind kind() { return PolicyKind.TRANSFORMER; }
          public String parse(ConfigReader config) { return %s; }
          public Policy create(String config, PolicyEnvironment env) { return new Transformer() {}; }
        }
        """.formatted(className.substring(0, dot), className.substring(dot + 1), policyName, expression);
  }

  private static Object parse(PolicyFactory<?> factory) {
    return factory.parse(new ConfigReader(new JsonObject(), "test", new ArrayList<>()));
  }

  private ClassLoader loaderOf(PolicyCatalog catalog, String policy) {
    return catalog.factories().get(policy).getClass().getClassLoader();
  }

  @Test
  void twoPluginsCarryingDifferentVersionsOfOneLibraryEachSeeTheirOwn() throws Exception {
    TestPluginJars.plugin("alpha.jar")
        .source("com.example.lib.Greeting", greetingLibrary("1.0"))
        .source("com.example.alpha.AlphaFactory",
            factoryParsingTo("com.example.alpha.AlphaFactory", "alpha", "com.example.lib.Greeting.version()"))
        .factory("com.example.alpha.AlphaFactory")
        .writeTo(plugins);
    TestPluginJars.plugin("beta.jar")
        .source("com.example.lib.Greeting", greetingLibrary("2.0"))
        .source("com.example.beta.BetaFactory",
            factoryParsingTo("com.example.beta.BetaFactory", "beta", "com.example.lib.Greeting.version()"))
        .factory("com.example.beta.BetaFactory")
        .writeTo(plugins);
    // The gateway itself has a third version on its class path: plugins still see their own.
    Path appJar = TestPluginJars.plugin("app-lib.jar")
        .source("com.example.lib.Greeting", greetingLibrary("0.9"))
        .writeTo(elsewhere);

    try (URLClassLoader application = new URLClassLoader(new URL[] {appJar.toUri().toURL()}, GATEWAY);
        PolicyCatalog catalog = PolicyCatalog.load(plugins, application)) {
      assertEquals("1.0", parse(catalog.factories().get("alpha")));
      assertEquals("2.0", parse(catalog.factories().get("beta")));
      assertEquals("0.9", application.loadClass("com.example.lib.Greeting").getMethod("version").invoke(null));

      Class<?> alphas = loaderOf(catalog, "alpha").loadClass("com.example.lib.Greeting");
      Class<?> betas = loaderOf(catalog, "beta").loadClass("com.example.lib.Greeting");
      assertNotSame(alphas, betas);
      assertSame(loaderOf(catalog, "alpha"), alphas.getClassLoader());
    }
  }

  @Test
  void aPluginCannotLoadTheGatewaysClassesNorItsOtherLibraries() throws Exception {
    List<String> hidden = List.of(
        "dev.portico.gateway.plugin.PolicyCatalog",
        "dev.portico.gateway.config.GatewayConfig",
        "picocli.CommandLine",
        "ch.qos.logback.classic.Logger",
        "io.vertx.micrometer.MicrometerMetricsOptions");
    for (String name : hidden) {
      GATEWAY.loadClass(name); // present on the gateway's class path, so the test means something
    }
    // Asked from the plugin's own code, as a library doing Class.forName would.
    String probe = "java.util.stream.Stream.of(\""
        + String.join("\", \"", hidden)
        + "\").filter(n -> { try { Class.forName(n); return true; } catch (ClassNotFoundException e) { return false; } })"
        + ".collect(java.util.stream.Collectors.joining(\",\"))";
    TestPluginJars.plugin("probe.jar")
        .source("com.example.probe.ProbeFactory", factoryParsingTo("com.example.probe.ProbeFactory", "probe", probe))
        .factory("com.example.probe.ProbeFactory")
        .writeTo(plugins);

    try (PolicyCatalog catalog = PolicyCatalog.load(plugins, GATEWAY)) {
      assertEquals("", parse(catalog.factories().get("probe")), "classes the plugin could see");
      ClassLoader plugin = loaderOf(catalog, "probe");
      for (String name : hidden) {
        assertThrows(ClassNotFoundException.class, () -> plugin.loadClass(name), name);
        assertNull(plugin.getResource(name.replace('.', '/') + ".class"), name);
      }
    }
  }

  @Test
  void sharedTypesAreTheVerySameClassesAsTheGateways() throws Exception {
    TestPluginJars.plugin("plain.jar").minimalFactory("com.example.Plain", "plain", PolicyKind.TRANSFORMER).writeTo(plugins);

    try (PolicyCatalog catalog = PolicyCatalog.load(plugins, GATEWAY)) {
      ClassLoader plugin = loaderOf(catalog, "plain");
      for (Class<?> shared : List.of(
          PolicyFactory.class,
          PolicyKind.class,
          Future.class,
          JsonObject.class,
          io.netty.buffer.ByteBuf.class,
          com.fasterxml.jackson.core.JsonFactory.class,
          org.slf4j.Logger.class)) {
        assertSame(shared, plugin.loadClass(shared.getName()), shared.getName());
      }
      // JDK classes come from the platform, as always.
      assertSame(String.class, plugin.loadClass("java.lang.String"));
      assertSame(java.sql.Timestamp.class, plugin.loadClass("java.sql.Timestamp"));
    }
  }

  @Test
  void aPluginSeesOnlyItsOwnServiceFileSoClassPathFactoriesAreNotFoundTwice() throws Exception {
    Path appJar = TestPluginJars.plugin("embedded.jar")
        .minimalFactory("com.example.embedded.EmbeddedFactory", "embedded", PolicyKind.AUTHORIZER)
        .writeTo(elsewhere);
    TestPluginJars.plugin("own.jar")
        .minimalFactory("com.example.own.OwnFactory", "own", PolicyKind.THROTTLER)
        .writeTo(plugins);

    try (URLClassLoader application = new URLClassLoader(new URL[] {appJar.toUri().toURL()}, GATEWAY);
        PolicyCatalog catalog = PolicyCatalog.load(plugins, application)) {
      assertEquals(List.of("embedded:classpath", "own:own.jar"),
          catalog.policies().stream().map(p -> p.name() + ":" + p.source()).toList());
      List<URL> serviceFiles = Collections.list(
          loaderOf(catalog, "own").getResources("META-INF/services/dev.portico.spi.PolicyFactory"));
      assertEquals(1, serviceFiles.size(), serviceFiles.toString());
      assertTrue(serviceFiles.get(0).toString().contains("own.jar"), serviceFiles.toString());
    }
  }

  @Test
  void closingTheCatalogClosesThePluginClassLoaders() throws Exception {
    TestPluginJars.plugin("lazy.jar")
        .minimalFactory("com.example.lazy.LazyFactory", "lazy", PolicyKind.TRANSFORMER)
        .source("com.example.lazy.NeverLoaded", "package com.example.lazy; public final class NeverLoaded {}")
        .writeTo(plugins);
    PolicyCatalog catalog = PolicyCatalog.load(plugins, GATEWAY);
    ClassLoader plugin = loaderOf(catalog, "lazy");

    catalog.close();
    catalog.close(); // idempotent

    assertThrows(ClassNotFoundException.class, () -> plugin.loadClass("com.example.lazy.NeverLoaded"));
  }
}
