package dev.portico.gateway.server;

import dev.portico.gateway.admin.AdminServer;
import dev.portico.gateway.admin.DefinitionJson;
import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.CounterSettings;
import dev.portico.gateway.state.ClusterStateStore;
import dev.portico.gateway.state.Definitions;
import dev.portico.gateway.state.LocalStateStore;
import dev.portico.gateway.state.PrivateFiles;
import dev.portico.gateway.state.StateFile;
import dev.portico.gateway.state.StateStore;
import java.util.ArrayList;
import java.util.Set;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.ServerSettings;
import com.hazelcast.core.HazelcastInstance;
import dev.portico.gateway.counters.HazelcastCounterStore;
import dev.portico.gateway.counters.LocalCounterStore;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import dev.portico.gateway.counters.RedisCounterStore;
import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.spi.CounterStore;
import dev.portico.gateway.pipeline.ActiveConfig;
import dev.portico.gateway.pipeline.ConfigCompiler;
import dev.portico.gateway.plugin.LoadedPolicy;
import dev.portico.gateway.plugin.PolicyInstances;
import dev.portico.gateway.proxy.Upstreams;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the client-facing listener on one event loop per {@code server.instances},
 * the admin API, the policy instances and the counters. {@link #drain()} stops it gracefully.
 */
public final class GatewayServer {

  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
  /** How often counters that carry no information any more (full buckets, past windows) are dropped. */
  private static final long EVICTION_INTERVAL_MILLIS = 30_000;
  /**
   * How long a policy instance no configuration uses any more stays open, for the requests that
   * started on an older configuration to finish with it.
   */
  private static final long RETIRE_AFTER_MILLIS = 60_000;

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
  /** The settings in use: the file's as loaded at start, with what a reload may change. */
  private volatile GatewayConfig config;
  private final GatewayEnvironment environment;
  private final PolicyInstances instances;
  /** Serialises compiling and swapping what is served. */
  private final Object applyLock = new Object();
  /** The policy instances the configuration being served uses; others are closed after a grace period. */
  private Set<String> policyKeysInUse = Set.of();
  /** The routes served, by their metric labels; the series of others end after the same grace period. */
  private Set<GatewayMetrics.RouteLabels> routeLabelsInUse = Set.of();
  /** What the served configuration was compiled from: the settings, and each stored API's version. */
  private GatewayConfig appliedConfig;
  private Map<String, Long> appliedVersions = Map.of();
  private Definitions definitions;
  private final AtomicReference<ActiveConfig> active = new AtomicReference<>();
  private final List<ProxyVerticle> verticles = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ready = new AtomicBoolean();
  /** The counter store as policies and usage plans use it: {@link #untimedCounters}, timed by the metrics. */
  private final CounterStore counters;
  /** The store itself, which the drain closes. */
  private final CounterStore untimedCounters;
  /** The same store when it is local (it needs sweeping), else null. */
  private final LocalCounterStore localCounters;
  private final GatewayMetrics metrics;
  private AdminServer admin;
  private int port;

  private GatewayServer(Vertx vertx, GatewayConfig config, Map<String, PolicyFactory<?>> factories,
      String store, HazelcastInstance hazelcast, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.config = config;
    this.metrics = metrics;
    if ("redis".equals(store)) {
      this.localCounters = null;
      this.untimedCounters = new RedisCounterStore(vertx, config.counters().redisEndpoint(), config.counters().timeout());
    } else if ("hazelcast".equals(store)) {
      this.localCounters = null;
      this.untimedCounters = new HazelcastCounterStore(vertx, hazelcast, config.counters().timeout());
    } else {
      this.localCounters = new LocalCounterStore();
      this.untimedCounters = localCounters;
    }
    this.counters = metrics.timed(store, untimedCounters);
    this.environment = new GatewayEnvironment(vertx, counters, config.baseDir(), config.usagePlans());
    this.instances = new PolicyInstances(factories, environment);
  }

  /** Starts a gateway; the future fails (and everything started is stopped) if any part cannot start. */
  public static Future<GatewayServer> start(GatewayConfig config, Map<String, PolicyFactory<?>> factories,
      List<LoadedPolicy> plugins, Options options) {
    // with --cluster the counters are shared unless the file insists on local ones
    String store = config.counters().store() != null ? config.counters().store()
        : options.clustered() ? "hazelcast" : "local";
    if ("hazelcast".equals(store) && !options.clustered()) {
      // counting locally instead would silently give each node its own quota: refuse instead
      return Future.failedFuture(new IllegalStateException(
          "counters.store: 'hazelcast' needs the gateway to join the cluster: run it with --cluster"));
    }
    if ("local".equals(store) && options.clustered()) {
      log.warn("counters.store is 'local' with --cluster: each node counts on its own, quotas are per node");
    }
    ServerSettings s = config.server();
    int loops = s.instances() > 0 ? s.instances() : Runtime.getRuntime().availableProcessors();
    GatewayMetrics metrics = new GatewayMetrics();
    VertxOptions vertxOptions = new VertxOptions().setEventLoopPoolSize(Math.max(loops, 1))
        .setMetricsOptions(metrics.vertxOptions());
    if (!options.clustered()) {
      Vertx vertx = Vertx.builder().with(vertxOptions).withMetrics(metrics.vertxFactory()).build();
      return startOn(vertx, null, config, factories, plugins, options, store, loops, metrics);
    }
    HazelcastClusterManager cluster;
    try {
      cluster = new HazelcastClusterManager(com.hazelcast.config.Config.loadFromFile(options.hazelcastConfig().toFile()));
    } catch (Exception e) {
      return Future.failedFuture(new IllegalStateException(
          "cannot read the cluster configuration " + options.hazelcastConfig() + ": " + e.getMessage(), e));
    }
    return Vertx.builder().with(vertxOptions).withMetrics(metrics.vertxFactory()).withClusterManager(cluster).buildClustered()
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot join the cluster: " + e.getMessage(), e)))
        .compose(vertx -> {
          log.info("joined the cluster '{}' as {} ({} members)", cluster.getHazelcastInstance().getConfig().getClusterName(),
              cluster.getNodeId(), cluster.getNodes().size());
          return startOn(vertx, cluster.getHazelcastInstance(), config, factories, plugins, options, store, loops, metrics);
        });
  }

  private static Future<GatewayServer> startOn(Vertx vertx, HazelcastInstance hazelcast, GatewayConfig config,
      Map<String, PolicyFactory<?>> factories, List<LoadedPolicy> plugins, Options options, String store, int loops,
      GatewayMetrics metrics) {
    GatewayServer gateway = new GatewayServer(vertx, config, factories, store, hazelcast, metrics);
    Promise<GatewayServer> started = Promise.promise();
    gateway.startOn(loops, factories, plugins, options).onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(ar.result());
      } else {
        // answer first: closing Vert.x from one of its own event loops completes nothing after it
        started.fail(ar.cause());
        gateway.instances.closeAll();
        vertx.close();
      }
    });
    return started.future();
  }

  private Future<GatewayServer> startOn(int loops, Map<String, PolicyFactory<?>> factories,
      List<LoadedPolicy> plugins, Options options) {
    if (options.dataDir() == null) {
      return Future.failedFuture(new IllegalArgumentException("a data directory is needed (--data-dir)"));
    }
    // reading data/ and joining the cluster's state block: not on an event loop
    return vertx.<Void>executeBlocking(() -> {
      try {
        PrivateFiles.createDirectory(options.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data directory " + options.dataDir() + ": " + e, e);
      }
      StateFile file = new StateFile(options.dataDir());
      StateStore store = hazelcast != null ? ClusterStateStore.open(vertx, file, hazelcast)
          : LocalStateStore.open(vertx, file);
      definitions = new Definitions(factories, store, config);
      definitions.warnOverridden();
      // A route of the file that cannot serve (a plugin failed to create its policy) stops the
      // start, as a bad file does; what data/ or the cluster holds is logged and left out instead:
      // a state written long ago must not keep the gateway from starting.
      List<String> fatal = new ArrayList<>();
      for (ConfigCompiler.Problem p : apply()) {
        if (!definitions.managed(p.api())) {
          fatal.add(p.message());
        }
      }
      if (!fatal.isEmpty()) {
        throw new IllegalStateException(String.join("\n", fatal));
      }
      store.onChange(() -> refresh().onFailure(e -> log.error("cannot serve the changed APIs", e)));
      return null;
    }).onFailure(e -> instances.closeAll()).compose(v -> listen(loops, factories, plugins, options));
  }

  /**
   * Compiles what is to be served now (the file's APIs and the admin API's state) and swaps it in
   * atomically: requests already routed finish on what they started with. Policy instances no
   * longer used are closed after {@link #RETIRE_AFTER_MILLIS}, when those requests are done.
   * Blocking (plugins create their policies); serialised.
   *
   * @return the routes the compilation left out (logged, with what the stored state could not
   *     plan); the rest serves
   */
  private List<ConfigCompiler.Problem> apply() {
    synchronized (applyLock) {
      // a write is applied by the admin call that made it and again by the store's change
      // listener: the second finds nothing new to serve
      Map<String, Long> versions = new java.util.HashMap<>();
      definitions.store().states().forEach((name, state) -> versions.put(name, state.version()));
      if (config == appliedConfig && versions.equals(appliedVersions)) {
        return List.of();
      }
      appliedConfig = config;
      appliedVersions = versions;
      Definitions.Plan plan = definitions.plan();
      ConfigCompiler.Compiled compiled = new ConfigCompiler(instances, counters).compile(config, plan.stages());
      plan.problems().forEach(p -> log.error("not served: {}", p));
      compiled.problems().forEach(p -> log.error("not served: {}", p));
      active.set(compiled.active());
      Set<String> before = policyKeysInUse;
      Set<GatewayMetrics.RouteLabels> labelsBefore = routeLabelsInUse;
      policyKeysInUse = compiled.policyKeys();
      routeLabelsInUse = compiled.routeLabels();
      if (!policyKeysInUse.containsAll(before) || !routeLabelsInUse.containsAll(labelsBefore)) {
        vertx.setTimer(RETIRE_AFTER_MILLIS, id -> retireUnused());
      }
      return compiled.problems();
    }
  }

  /**
   * Closes the policy instances and ends the metric series of routes that what is served now no
   * longer uses; runs {@link #RETIRE_AFTER_MILLIS} after a change that left some unused.
   */
  public Future<Void> retireUnused() {
    return vertx.<Void>executeBlocking(() -> {
      synchronized (applyLock) {
        instances.retainOnly(policyKeysInUse);
        metrics.retainRoutes(routeLabelsInUse);
      }
      return null;
    }, false);
  }

  /** Serves the current state (after a write, or a change heard from the cluster); off the event loop. */
  public Future<Void> refresh() {
    return vertx.<Void>executeBlocking(() -> {
      apply();
      return null;
    }, false);
  }

  private Future<GatewayServer> listen(int loops, Map<String, PolicyFactory<?>> factories,
      List<LoadedPolicy> plugins, Options options) {
    // on a worker, one sweep at a time: with many idle keys a sweep takes longer than an event loop
    // may be held
    if (localCounters != null) {
      vertx.setPeriodic(EVICTION_INTERVAL_MILLIS, id -> vertx.executeBlocking(() -> {
        localCounters.evictIdle();
        return null;
      }));
    }

    ServerSettings s = config.server();
    HttpServerOptions http = new HttpServerOptions()
        .setPort(options.port() != null ? options.port() : s.port())
        .setHost(s.host())
        .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, s.maxHeaderSize()))
        .setHttp2ClearTextEnabled(false)
        .setHandle100ContinueAutomatically(true)
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setTcpNoDelay(true);
    if (s.tls() != null) {
      http.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(s.tls().cert().toString()).setKeyPath(s.tls().key().toString()));
    }
    DefinitionJson json = new DefinitionJson(factories);
    admin = new AdminServer(vertx, config.admin().host(),
        options.adminPort() != null ? options.adminPort() : config.admin().port(), config.admin().token(),
        ready::get, definitions, json, this::refresh, () -> pluginsJson(plugins), metrics);

    String listen = http.getHost() + ":" + http.getPort();
    String adminListen = config.admin().host() + ":" + (options.adminPort() != null ? options.adminPort() : config.admin().port());
    return vertx.deployVerticle(() -> {
          ProxyVerticle v = new ProxyVerticle(http, active::get, Upstreams.DEFAULT_POOL_SIZE, metrics);
          verticles.add(v);
          return v;
        }, new DeploymentOptions().setInstances(loops))
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + listen + ": " + e.getMessage(), e)))
        .compose(id -> admin.start()
            .recover(e -> Future.failedFuture(new IllegalStateException(
                "cannot listen on " + adminListen + " (admin API): " + e.getMessage(), e))))
        .map(a -> {
          port = verticles.get(0).actualPort();
          ready.set(true);
          log.info("Portico listening on {}://{}:{} ({} event loop{}), admin API on {}:{}",
              s.tls() != null ? "https" : "http", s.host(), port, loops, loops == 1 ? "" : "s",
              config.admin().host(), admin.actualPort());
          return this;
        });
  }

  private static JsonArray pluginsJson(List<LoadedPolicy> plugins) {
    JsonArray out = new JsonArray();
    for (LoadedPolicy p : plugins) {
      out.add(new JsonObject().put("name", p.name()).put("kind", p.kind().label()).put("source", p.source()));
    }
    return out;
  }

  /**
   * Applies a configuration file read again (SIGHUP, {@code --watch}): its APIs replace the file's
   * previous ones, except those the admin API owns (kept in {@code data/}), which are skipped with
   * a warning naming them. Settings that need a restart (ports, counters, plugins) are kept, with a
   * warning when they changed. Requests in flight finish on the routes they started with.
   *
   * @param reloaded a configuration that loaded without problems
   * @return completes once the new routes serve
   */
  public Future<Void> reload(GatewayConfig reloaded) {
    GatewayConfig running = config;
    warnIfChanged("server.port", running.server().port(), reloaded.server().port());
    warnIfChanged("server.host", running.server().host(), reloaded.server().host());
    warnIfChanged("server.instances", running.server().instances(), reloaded.server().instances());
    warnIfChanged("server.maxHeaderSize", running.server().maxHeaderSize(), reloaded.server().maxHeaderSize());
    warnIfChanged("server.tls", running.server().tls(), reloaded.server().tls());
    warnIfChanged("admin", running.admin(), reloaded.admin());
    warnIfChanged("counters.store", running.counters().store(), reloaded.counters().store());
    warnIfChanged("counters.redis", running.counters().redisEndpoint(), reloaded.counters().redisEndpoint());
    warnIfChanged("counters.timeout", running.counters().timeout(), reloaded.counters().timeout());
    warnIfChanged("plugins.dir", running.plugins(), reloaded.plugins());
    ServerSettings s = running.server();
    ServerSettings r = reloaded.server();
    ServerSettings server = new ServerSettings(s.port(), s.host(), s.instances(), s.maxHeaderSize(), r.maxBodySize(),
        r.drainTimeout(), r.bodyTimeout(), r.trustedProxies(), s.tls(), r.accessLog());
    CounterSettings c = running.counters();
    CounterSettings counterSettings = new CounterSettings(c.store(), c.redisEndpoint(),
        reloaded.counters().denyOnStoreFailure(), c.timeout());
    GatewayConfig merged = new GatewayConfig(server, running.admin(), counterSettings, running.plugins(),
        reloaded.apis(), reloaded.usagePlans(), reloaded.baseDir());
    return vertx.<Void>executeBlocking(() -> {
      int fromFile;
      synchronized (applyLock) {
        config = merged;
        environment.plans(merged.usagePlans());
        fromFile = definitions.useFile(merged);
        apply();
      }
      int ignored = merged.apis().size() - fromFile;
      log.info("configuration reloaded: {} API{} served from the file{}", fromFile, fromFile == 1 ? "" : "s",
          ignored == 0 ? "" : " (" + ignored + " ignored: the admin API manages them)");
      return null;
    }, false);
  }

  private static void warnIfChanged(String setting, Object running, Object reloaded) {
    if (!java.util.Objects.equals(running, reloaded)) {
      log.warn("{} changed in the configuration file: it takes effect at the next restart", setting);
    }
  }

  public int port() {
    return port;
  }

  public int adminPort() {
    return admin.actualPort();
  }

  public boolean ready() {
    return ready.get();
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops gracefully: {@code /ready} answers 503 at once, the listener stops accepting, requests in
   * flight finish (bounded by {@code server.drainTimeout}), then everything is closed.
   */
  public Future<Void> drain() {
    ready.set(false);
    long millis = config.server().drainTimeout().toMillis();
    log.info("draining: finishing requests in flight (at most {} ms)", millis);
    List<Future<Void>> drains = verticles.stream().map(v -> v.drain(millis)).toList();
    return Future.join(drains)
        .transform(ar -> admin.close())
        .transform(ar -> {
          if (definitions != null) {
            definitions.store().close();
          }
          return Future.<Void>succeededFuture();
        })
        .transform(ar -> {
          instances.closeAll();
          // a shared store gives back what its batched view holds; Redis also closes its connections
          if (untimedCounters instanceof RedisCounterStore redis) {
            redis.close();
          } else if (untimedCounters instanceof HazelcastCounterStore hazelcast) {
            hazelcast.close();
          }
          return vertx.close();
        });
  }
}
