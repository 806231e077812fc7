package dev.portico.gateway.serving;

import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.Reloads;
import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.gateway.plugin.GatewayEnvironment;
import dev.portico.gateway.plugin.PolicyInstances;
import dev.portico.gateway.state.Definitions;
import dev.portico.gateway.upstream.UpstreamRegistry;
import dev.portico.spi.CounterStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway serves now, and how that changes: compiled from the configuration file and the
 * admin API's state, swapped in atomically on every change (an admin write, a change heard from the
 * cluster, a reload), the policy instances and metric series no longer used retired a while later.
 *
 * <p>Requests already routed finish on the {@link ActiveConfig} they started with; compiling runs
 * off the event loops (plugins create their policies) and one change at a time.
 */
public final class ServedConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ServedConfiguration.class);
  /**
   * How long a policy instance no configuration uses any more stays open, for the requests that
   * started on an older configuration to finish with it.
   */
  private static final long RETIRE_AFTER_MILLIS = 60_000;

  private final Vertx vertx;
  private final PolicyInstances instances;
  private final CounterStore counters;
  private final GatewayEnvironment environment;
  private final GatewayMetrics metrics;
  private final Definitions definitions;
  private final StagePlanner planner;
  private final UpstreamRegistry upstreams;
  private final int eventLoops;
  private final AtomicReference<ActiveConfig> active = new AtomicReference<>();
  /** Serialises compiling and swapping what is served. */
  private final Object applyLock = new Object();
  /** The settings in use: the file's as loaded at start, with what a reload may change. */
  private volatile GatewayConfig config;
  /** The policy instances the configuration being served uses; others are closed after a grace period. */
  private Set<String> policyKeysInUse = Set.of();
  /** The routes served, by their metric labels; the series of others end after the same grace period. */
  private Set<GatewayMetrics.RouteLabels> routeLabelsInUse = Set.of();
  /** What the served configuration was compiled from: the settings, and each stored API's version. */
  private GatewayConfig appliedConfig;
  private Map<String, Long> appliedVersions = Map.of();

  /**
   * @param upstreams serves the configuration's {@code upstreams}: applied here before each compile
   * @param eventLoops the event loops requests are served on
   */
  public ServedConfiguration(Vertx vertx, GatewayConfig config, Definitions definitions, PolicyInstances instances,
      CounterStore counters, GatewayEnvironment environment, GatewayMetrics metrics, UpstreamRegistry upstreams,
      int eventLoops) {
    this.vertx = vertx;
    this.upstreams = upstreams;
    this.eventLoops = eventLoops;
    this.config = config;
    this.definitions = definitions;
    this.planner = new StagePlanner(definitions);
    this.instances = instances;
    this.counters = counters;
    this.environment = environment;
    this.metrics = metrics;
  }

  /** What requests are served from now. */
  public ActiveConfig active() {
    return active.get();
  }

  /** The settings in use. */
  public GatewayConfig config() {
    return config;
  }

  /**
   * Compiles what is to be served now and swaps it in. Blocking; serialised.
   *
   * @return the routes the compilation left out (logged, with what the stored state could not
   *     plan); the rest serves
   */
  public List<ConfigCompiler.Problem> apply() {
    synchronized (applyLock) {
      // a write is applied by the admin call that made it and again by the store's change
      // listener: the second finds nothing new to serve
      Map<String, Long> versions = new HashMap<>();
      definitions.store().states().forEach((name, state) -> versions.put(name, state.version()));
      if (config == appliedConfig && versions.equals(appliedVersions)) {
        return List.of();
      }
      if (appliedConfig == null || !appliedConfig.upstreams().equals(config.upstreams())) {
        upstreams.apply(config.upstreams(), config.baseDir());
      }
      appliedConfig = config;
      appliedVersions = versions;
      StagePlanner.Plan plan = planner.plan();
      ConfigCompiler.Compiled compiled = new ConfigCompiler(instances, counters, upstreams, eventLoops).compile(config, plan.stages());
      plan.problems().forEach(p -> log.error("not served: {}", p));
      compiled.problems().forEach(p -> log.error("not served: {}", p));
      Set<String> leftOut = new java.util.TreeSet<>(plan.leftOut());
      compiled.problems().forEach(p -> leftOut.add(p.api()));
      metrics.apisLeftOut(leftOut.size());
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

  /** Serves the current state (after a write, or a change heard from the cluster); off the event loop. */
  public Future<Void> refresh() {
    return vertx.<Void>executeBlocking(() -> {
      apply();
      return null;
    }, false);
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

  /**
   * Applies a configuration file read again (SIGHUP, {@code --watch}): its APIs replace the file's
   * previous ones, except those the admin API owns (kept in {@code data/}), which are skipped with
   * a warning naming them; settings that need a restart are kept ({@link Reloads}). Requests in
   * flight finish on the routes they started with.
   *
   * @param reloaded a configuration that loaded without problems
   * @return completes once the new routes serve
   */
  public Future<Void> reload(GatewayConfig reloaded) {
    GatewayConfig merged = Reloads.merge(config, reloaded);
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
}
