package dev.portico.gateway.server;

import com.hazelcast.core.HazelcastInstance;
import dev.portico.gateway.admin.AdminServer;
import dev.portico.gateway.admin.DefinitionJson;
import dev.portico.gateway.cluster.ClusterMembership;
import dev.portico.gateway.cluster.ClusterStateStore;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.counters.CounterStores;
import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.gateway.plugin.GatewayEnvironment;
import dev.portico.gateway.plugin.LoadedPolicy;
import dev.portico.gateway.plugin.PolicyInstances;
import dev.portico.gateway.serving.ConfigCompiler;
import dev.portico.gateway.serving.ServedConfiguration;
import dev.portico.gateway.state.Definitions;
import dev.portico.gateway.state.LocalStateStore;
import dev.portico.gateway.state.PrivateFiles;
import dev.portico.gateway.state.StateFile;
import dev.portico.gateway.state.StateStore;
import dev.portico.gateway.upstream.UpstreamRegistry;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway, wired and started in order — Vert.x (joining the cluster with
 * {@code --cluster}), the counter store, the API state, what is served, one listener per event
 * loop, the admin API — and drained in the reverse order by {@link #drain()}.
 */
public final class GatewayServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  /**
   * How to start, beyond the configuration.
   *
   * @param port overrides {@code server.port} when not null
   * @param adminPort overrides {@code admin.port} when not null
   * @param dataDir where deployments and stage state are kept; created ({@code 0700}) if absent
   */
  public record Options(Integer port, Integer adminPort, Path dataDir, Path hazelcastConfig) {

    public Options(Integer port, Integer adminPort, Path dataDir) {
      this(port, adminPort, dataDir, null);
    }

    /** Whether to join a Hazelcast cluster ({@code --cluster}), described by {@link #hazelcastConfig}. */
    public boolean clustered() {
      return hazelcastConfig != null;
    }
  }

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final GatewayMetrics metrics;
  private final CounterStores.Opened counters;
  private final GatewayEnvironment environment;
  private final PolicyInstances instances;
  private final List<ProxyVerticle> verticles = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ready = new AtomicBoolean();
  private ServedConfiguration served;
  private StateStore state;
  private AdminServer admin;
  private int port;
  private UpstreamRegistry upstreams;

  private GatewayServer(Vertx vertx, HazelcastInstance hazelcast, GatewayConfig config, String store,
      Map<String, PolicyFactory<?>> factories, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.metrics = metrics;
    CounterStores.Opened opened = CounterStores.open(store, vertx, hazelcast, config.counters());
    this.counters = new CounterStores.Opened(store, metrics.timed(store, opened.store()), opened.close());
    this.environment = new GatewayEnvironment(vertx, counters.store(), config.baseDir(), config.usagePlans());
    this.instances = new PolicyInstances(factories, environment);
  }

  /** Starts a gateway; the future fails (and everything started is stopped) if any part cannot start. */
  public static Future<GatewayServer> start(GatewayConfig config, Map<String, PolicyFactory<?>> factories,
      List<LoadedPolicy> plugins, Options options) {
    String store;
    try {
      store = CounterStores.choose(config.counters(), options.clustered());
    } catch (IllegalStateException refused) {
      return Future.failedFuture(refused);
    }
    int instances = config.server().instances();
    int loops = Math.max(instances > 0 ? instances : Runtime.getRuntime().availableProcessors(), 1);
    GatewayMetrics metrics = new GatewayMetrics();
    VertxBuilder builder = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(loops).setMetricsOptions(metrics.vertxOptions()))
        .withMetrics(metrics.vertxFactory());
    Future<ClusterMembership.Joined> joined = options.clustered()
        ? ClusterMembership.join(builder, options.hazelcastConfig())
        : Future.succeededFuture(new ClusterMembership.Joined(builder.build(), null));
    return joined.compose(member -> {
      GatewayServer gateway = new GatewayServer(member.vertx(), member.hazelcast(), config, store, factories, metrics);
      Promise<GatewayServer> started = Promise.promise();
      gateway.startOn(config, loops, factories, plugins, options).onComplete(ar -> {
        if (ar.succeeded()) {
          started.complete(ar.result());
        } else {
          // answer first: closing Vert.x from one of its own event loops completes nothing after it
          started.fail(ar.cause());
          gateway.instances.closeAll();
          member.vertx().close();
        }
      });
      return started.future();
    });
  }

  private Future<GatewayServer> startOn(GatewayConfig config, int loops, Map<String, PolicyFactory<?>> factories,
      List<LoadedPolicy> plugins, Options options) {
    if (options.dataDir() == null) {
      return Future.failedFuture(new IllegalArgumentException("a data directory is needed (--data-dir)"));
    }
    // reading data/ and joining the cluster's state block: not on an event loop
    return vertx.<Definitions>executeBlocking(() -> {
      try {
        PrivateFiles.createDirectory(options.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data directory " + options.dataDir() + ": " + e, e);
      }
      StateFile file = new StateFile(options.dataDir());
      state = hazelcast != null ? ClusterStateStore.open(vertx, file, hazelcast) : LocalStateStore.open(vertx, file);
      Definitions definitions = new Definitions(factories, state, config);
      definitions.logOwnership();
      upstreams = new UpstreamRegistry(vertx, metrics.registry());
      served = new ServedConfiguration(vertx, config, definitions, instances, counters.store(), environment, metrics,
          upstreams, loops);
      // A route of the file that cannot serve (a plugin failed to create its policy) stops the
      // start, as a bad file does; what data/ or the cluster holds is logged and left out instead:
      // a state written long ago must not keep the gateway from starting.
      List<String> fatal = new ArrayList<>();
      for (ConfigCompiler.Problem p : served.apply()) {
        if (!definitions.managed(p.api())) {
          fatal.add(p.message());
        }
      }
      if (!fatal.isEmpty()) {
        throw new IllegalStateException(String.join("\n", fatal));
      }
      state.onChange(() -> served.refresh().onFailure(e -> log.error("cannot serve the changed APIs", e)));
      return definitions;
    }).onFailure(e -> instances.closeAll()).compose(definitions -> listen(config, loops, definitions, factories, plugins, options));
  }

  private Future<GatewayServer> listen(GatewayConfig config, int loops, Definitions definitions,
      Map<String, PolicyFactory<?>> factories, List<LoadedPolicy> plugins, Options options) {
    HttpServerOptions http = ListenerOptions.of(config.server(), options.port());
    int adminPort = options.adminPort() != null ? options.adminPort() : config.admin().port();
    admin = new AdminServer(vertx, config.admin().host(), adminPort, config.admin().token(), ready::get,
        definitions, new DefinitionJson(factories), served::refresh, plugins, metrics, upstreams);
    String listen = http.getHost() + ":" + http.getPort();
    return vertx.deployVerticle(() -> {
          ProxyVerticle v = new ProxyVerticle(http, served::active, metrics);
          verticles.add(v);
          return v;
        }, new DeploymentOptions().setInstances(loops))
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + listen + ": " + e.getMessage(), e)))
        .compose(id -> admin.start()
            .recover(e -> Future.failedFuture(new IllegalStateException(
                "cannot listen on " + config.admin().host() + ":" + adminPort + " (admin API): " + e.getMessage(), e))))
        .map(a -> {
          port = verticles.get(0).actualPort();
          ready.set(true);
          log.info("Portico listening on {}://{}:{} ({} event loop{}), admin API on {}:{}",
              http.isSsl() ? "https" : "http", http.getHost(), port, loops, loops == 1 ? "" : "s",
              config.admin().host(), admin.actualPort());
          return this;
        });
  }

  /** Applies a configuration file read again (SIGHUP, {@code --watch}); see {@link ServedConfiguration#reload}. */
  public Future<Void> reload(GatewayConfig reloaded) {
    return served.reload(reloaded);
  }

  /** Closes what the served configuration no longer uses, without waiting for the grace period. */
  public Future<Void> retireUnused() {
    return served.retireUnused();
  }

  public int port() {
    return port;
  }

  public int adminPort() {
    return admin.actualPort();
  }

  /**
   * Stops gracefully: {@code /ready} answers 503 at once, the listener stops accepting, requests in
   * flight finish (bounded by {@code server.drainTimeout}), then everything is closed.
   */
  public Future<Void> drain() {
    ready.set(false);
    long millis = served.config().server().drainTimeout().toMillis();
    log.info("draining: finishing requests in flight (at most {} ms)", millis);
    List<Future<Void>> drains = verticles.stream().map(v -> v.drain(millis)).toList();
    return Future.join(drains)
        .transform(ar -> admin.close())
        .transform(ar -> {
          if (state != null) {
            state.close();
          }
          instances.closeAll();
          if (upstreams != null) {
            upstreams.close();
          }
          counters.close().run(); // a shared store gives back what its batched view holds
          return vertx.close();
        });
  }
}
