package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin author does with the example plugin (docs/CONFIGURATION.md; docs/PLUGINS.md): drop
 * the jar into a plugins directory next to the bundled ones, point {@code plugins.dir} at it, use
 * the policy in a route, run the distribution, and see it answer; {@code bin/portico plugins}
 * lists it. Two jars claiming one policy name refuse the start.
 *
 * <p>The example's jar is copied by the build into {@code target/test-plugins/} (system property
 * {@code portico.testPlugins}); it is not part of the distribution.
 */
class PluginAuthorJourneyIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String HELLO_JAR = "portico-example-hello-plugin.jar";

  @TempDir Path tmp;

  private Path plugins;
  private Path config;
  private final int port = PorticoProcess.freePort();
  private final int adminPort = PorticoProcess.freePort();

  /** The example plugin's jar, as its build produced it. */
  private static Path helloJar() {
    String dir = System.getProperty("portico.testPlugins");
    if (dir == null) {
      throw new IllegalStateException("system property portico.testPlugins is not set; run the tests through Maven (failsafe)");
    }
    Path jar = Path.of(dir).resolve(HELLO_JAR);
    assertTrue(Files.isRegularFile(jar), () -> jar + " is missing: the build copies it before the integration tests");
    return jar;
  }

  @BeforeEach
  void pluginsDirectoryAndConfiguration() throws IOException {
    // The operator's own plugins directory: the bundled plugins, plus the example dropped in.
    plugins = Files.createDirectories(tmp.resolve("my-plugins"));
    try (Stream<Path> bundled = Files.list(PorticoProcess.distribution().resolve("plugins"))) {
      for (Path jar : bundled.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Files.copy(jar, plugins.resolve(jar.getFileName()));
      }
    }
    Files.copy(helloJar(), plugins.resolve(HELLO_JAR));
    config = Files.writeString(tmp.resolve("portico.yaml"), """
        plugins:
          dir: %s
        apis:
          - name: greeter
            basePath: /greeter
            routes:
              - path: /hello
                methods: [GET]
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - hello: { greeting: "Hello from a plugin", header: X-Greeting }
                  - headers: { response: { set: { X-Bundled: "still loaded" } } }
        """.formatted(plugins.toAbsolutePath()));
  }

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  private PorticoProcess run() {
    return PorticoProcess.start(tmp, "run",
        "--config", config.toString(),
        "--port", String.valueOf(port),
        "--admin-port", String.valueOf(adminPort),
        "--data-dir", tmp.resolve("data").toString());
  }

  @Test
  void aDroppedInPluginAnswersThroughTheRunningDistribution() throws IOException {
    PorticoProcess gateway = run();
    URI hello = URI.create("http://127.0.0.1:" + port + "/greeter/hello");
    gateway.awaitHttpOk(hello, START_TIMEOUT);

    HttpResponse<String> response = PorticoProcess.get(hello);

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("Hello from a plugin", response.headers().firstValue("X-Greeting").orElse(null),
        () -> response.headers().map().toString());
    assertEquals("still loaded", response.headers().firstValue("X-Bundled").orElse(null));
    assertEquals("{\"ok\":true}", response.body());
    assertEquals(0, gateway.stop(TIMEOUT));
  }

  @Test
  void pluginsListsTheDroppedInPluginAsATransformer() {
    PorticoProcess.Completed listing = PorticoProcess.run(tmp, TIMEOUT, "plugins", "--config", config.toString());

    assertEquals(0, listing.exitCode(), listing::toString);
    Pattern hello = Pattern.compile("^hello\\s+transformer\\s+" + Pattern.quote(HELLO_JAR) + "\\s*$");
    assertTrue(listing.stdout().lines().anyMatch(line -> hello.matcher(line).matches()), listing::toString);
    assertTrue(listing.stdout().lines().anyMatch(line -> line.matches("^headers\\s+transformer\\s+\\S+\\.jar\\s*$")),
        listing::toString);
  }

  @Test
  void twoJarsDeclaringOnePolicyNameRefuseToStartNamingBoth() throws IOException {
    // e.g. an older copy left next to the new one
    Files.copy(helloJar(), plugins.resolve("hello-plugin-0.9.jar"));

    PorticoProcess.Completed run = run().awaitExit(TIMEOUT);

    assertEquals(1, run.exitCode(), run::toString);
    String output = run.stdout() + run.stderr();
    assertTrue(output.contains("'hello'"), run::toString);
    assertTrue(output.contains(plugins.resolve(HELLO_JAR).toString()), run::toString);
    assertTrue(output.contains(plugins.resolve("hello-plugin-0.9.jar").toString()), run::toString);
  }

  @Test
  void theExamplePluginShipsNeitherInLibNorInPlugins() throws IOException {
    for (String dir : List.of("lib", "plugins")) {
      try (Stream<Path> files = Files.list(PorticoProcess.distribution().resolve(dir))) {
        List<String> hello = files.map(p -> p.getFileName().toString()).filter(n -> n.contains("hello")).toList();
        assertEquals(List.of(), hello, dir + "/");
      }
    }
  }
}
