package dev.portico.gateway.testing;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import dev.portico.gateway.plugin.LoadedPolicy;
import dev.portico.gateway.plugin.PluginLoadException;
import dev.portico.gateway.plugin.PolicyCatalog;
import dev.portico.gateway.server.GatewayServer;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway in the test's JVM, on free loopback ports, started from YAML as an operator would
 * write it. Policies come from the test class path (ServiceLoader), from an optional plugins
 * directory, and from factories the test passes in.
 *
 * <pre>{@code
 * try (TestGateway gw = TestGateway.start("""
 *     apis:
 *       - name: pets
 *         basePath: /pets
 *         routes:
 *           - path: /{id}
 *             integration: { type: http, uri: "%s/pets/{id}" }
 *     """.formatted(backend.url()))) {
 *   HttpResponse<String> r = client.send(HttpRequest.newBuilder(gw.uri("/pets/7")).build(), ofString());
 * }
 * }</pre>
 */
public final class TestGateway implements AutoCloseable {

  private final GatewayServer server;
  private final PolicyCatalog catalog;
  private final Path dir;
  private Future<Void> drained;

  private TestGateway(GatewayServer server, PolicyCatalog catalog, Path dir) {
    this.server = server;
    this.catalog = catalog;
    this.dir = dir;
  }

  /** Starts a gateway with one event loop; the YAML needs no {@code server.port}. */
  public static TestGateway start(String yaml, PolicyFactory<?>... extra) {
    return start(yaml, null, extra);
  }

  /** Starts a gateway that also loads the plugin jars of {@code pluginsDir} (may be null). */
  public static TestGateway start(String yaml, Path pluginsDir, PolicyFactory<?>... extra) {
    return start(yaml, pluginsDir, null, extra);
  }

  /**
   * Starts a gateway that joins the Hazelcast cluster described by {@code hazelcastConfig}, as
   * {@code bin/portico --cluster} does; see {@link #clusterConfig}.
   */
  public static TestGateway startClustered(String yaml, Path hazelcastConfig, Path pluginsDir, PolicyFactory<?>... extra) {
    return start(yaml, pluginsDir, hazelcastConfig, extra);
  }

  /**
   * A Hazelcast YAML configuration for a private test cluster on loopback: its own cluster name,
   * TCP/IP join on {@code members} ports from {@code basePort}, failure detection in seconds.
   */
  public static Path clusterConfig(Path dir, String clusterName, int basePort, int members) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < members; i++) {
      list.append("          - 127.0.0.1:").append(basePort + i).append('\n');
    }
    String yaml = """
        hazelcast:
          cluster-name: %s
          properties:
            hazelcast.logging.type: slf4j
            hazelcast.phone.home.enabled: false
            hazelcast.shutdownhook.enabled: false
            hazelcast.heartbeat.interval.seconds: 1
            hazelcast.max.no.heartbeat.seconds: 5
            hazelcast.wait.seconds.before.join: 0
            hazelcast.max.wait.seconds.before.join: 0
          network:
            port: { port: %d, auto-increment: true, port-count: %d }
            join:
              multicast: { enabled: false }
              auto-detection: { enabled: false }
              tcp-ip:
                enabled: true
                member-list:
        %s    interfaces:
              enabled: true
              interfaces: [127.0.0.1]
          multimap:
            __vertx.subs: { backup-count: 1, value-collection-type: SET }
          map:
            __vertx.haInfo: { backup-count: 1 }
            __vertx.nodeInfo: { backup-count: 1 }
          cp-subsystem:
            cp-member-count: 0
        """.formatted(clusterName, basePort, members, list);
    try {
      return Files.writeString(dir.resolve(clusterName + ".yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a gateway in {@code dir} (its {@code data/} is {@code dir/data}), e.g. the
   * {@link #dir()} of a gateway that stopped, to see what survives a restart.
   */
  public static TestGateway startIn(Path dir, String yaml, Path hazelcastConfig, PolicyFactory<?>... extra) {
    return start(dir, yaml, null, hazelcastConfig, extra);
  }

  private static TestGateway start(String yaml, Path pluginsDir, Path hazelcastConfig, PolicyFactory<?>... extra) {
    Path dir;
    try {
      dir = Files.createTempDirectory("portico-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(dir, yaml, pluginsDir, hazelcastConfig, extra);
  }

  private static TestGateway start(Path dir, String yaml, Path pluginsDir, Path hazelcastConfig,
      PolicyFactory<?>... extra) {
    PolicyCatalog catalog;
    try {
      catalog = PolicyCatalog.load(pluginsDir, TestGateway.class.getClassLoader());
    } catch (PluginLoadException e) {
      throw new AssertionError("plugins did not load:\n" + e.getMessage(), e);
    }
    Map<String, PolicyFactory<?>> factories = new LinkedHashMap<>(catalog.factories());
    List<LoadedPolicy> policies = new ArrayList<>(catalog.policies());
    for (PolicyFactory<?> f : extra) {
      factories.put(f.name(), f);
      policies.add(new LoadedPolicy(f.name(), f.kind(), f, "test"));
    }
    String withDefaults = yaml.contains("instances:") ? yaml : "server:\n  instances: 1\n" + yaml;
    LoadResult result = new ConfigLoader(factories, Map.of()).parse(withDefaults, dir);
    if (!result.ok()) {
      throw new AssertionError("configuration refused:\n" + String.join("\n", result.problems()));
    }
    try {
      GatewayServer server = GatewayServer.start(result.config(), factories, policies,
              new GatewayServer.Options(freePort(), freePort(), dir.resolve("data"), hazelcastConfig))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return new TestGateway(server, catalog, dir);
    } catch (Exception e) {
      catalog.close();
      throw new AssertionError("gateway did not start: " + e, e);
    }
  }

  /** A free TCP port on loopback (the gateway's listener cannot be told to pick one itself with several event loops). */
  public static int freePort() {
    // The kernel may hand the same ephemeral port to two calls in a row (the first socket is closed
    // by then): a gateway asked to listen twice on it would fail to start. Never give one twice.
    while (true) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        socket.setReuseAddress(true);
        port = socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
  }

  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();


  public int port() {
    return server.port();
  }

  public int adminPort() {
    return server.adminPort();
  }

  /** {@code http://127.0.0.1:<port><path>} */
  public java.net.URI uri(String path) {
    return java.net.URI.create("http://127.0.0.1:" + port() + path);
  }

  public GatewayServer server() {
    return server;
  }

  /** The directory relative paths of the configuration resolve against. */
  public Path dir() {
    return dir;
  }

  /**
   * Starts a graceful drain ({@link GatewayServer#drain()}) and returns its completion; calling it
   * again, or {@link #close()} afterwards, waits for the same drain instead of starting another.
   */
  public synchronized Future<Void> drain() {
    if (drained == null) {
      drained = server.drain();
    }
    return drained;
  }

  /** {@code https://127.0.0.1:<port><path>}, for a gateway started with {@code server.tls}. */
  public java.net.URI httpsUri(String path) {
    return java.net.URI.create("https://127.0.0.1:" + port() + path);
  }

  @Override
  public void close() {
    try {
      drain().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("gateway did not stop: " + e, e);
    } finally {
      catalog.close();
    }
  }
}
