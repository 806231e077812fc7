package dev.portico.gateway.serving;

import dev.portico.gateway.metrics.RouteMetrics;
import dev.portico.gateway.plugin.PolicyHandle;
import dev.portico.gateway.proxy.Integration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A route of one stage, ready to serve: its policies sorted by kind (API-level before route-level,
 * each in file order), its stage variables and its integration. Immutable (its arrays are never
 * changed after construction, and its fields are read directly on the hot path); shared by every
 * event loop. {@link #metrics} alone is filled in later, by the pipeline, as a cache.
 */
public final class CompiledRoute {

  /** The deployment label of a stage that follows the API's current definition (no deployment pinned). */
  public static final String CURRENT = "current";

  public final String api;
  public final String stage;
  /**
   * The deployment this route was compiled from, or {@link #CURRENT} when its stage follows the
   * API's current definition; the access log and the metrics say which one served.
   */
  public final String deployment;
  public final String routePath;
  public final String configPath;
  /** {@link dev.portico.spi.RequestContext#routeId()}: API, stage, methods (sorted, {@code *} for any) and path. */
  public final String id;
  public final Map<String, String> stageVariables;
  public final PolicyHandle[] authorizers;
  public final PolicyHandle[] throttlers;
  public final PolicyHandle[] transformers;
  public final Integration integration;
  /** The stage's canary, or null: a request that matches this route may be served by the canary's instead. */
  public final CanaryRoutes canary;
  /** No policy at all: the pipeline goes straight to the integration. */
  public final boolean plain;
  /**
   * The route's meters, looked up on its first request ({@code Pipeline.metricsOf}) and kept: a
   * cache, not part of what the route is. Racing loops store the same holder.
   */
  public RouteMetrics metrics;

  public CompiledRoute(String api, String stage, String deployment, String routePath, Set<String> methods, String configPath,
      Map<String, String> stageVariables, PolicyHandle[] authorizers, PolicyHandle[] throttlers,
      PolicyHandle[] transformers, Integration integration, CanaryRoutes canary) {
    this.api = api;
    this.stage = stage;
    this.deployment = deployment;
    this.routePath = routePath;
    this.configPath = configPath;
    this.id = api + ' ' + stage + ' ' + (methods.isEmpty() ? "*" : String.join(",", new TreeSet<>(methods))) + ' '
        + routePath;
    this.stageVariables = Map.copyOf(stageVariables);
    this.authorizers = authorizers.clone();
    this.throttlers = throttlers.clone();
    this.transformers = transformers.clone();
    this.integration = integration;
    this.canary = canary;
    this.plain = authorizers.length == 0 && throttlers.length == 0 && transformers.length == 0;
  }

  public String api() {
    return api;
  }

  public String stage() {
    return stage;
  }

  public String deployment() {
    return deployment;
  }

  public String routePath() {
    return routePath;
  }

  public Integration integration() {
    return integration;
  }

  @Override
  public String toString() {
    return api + "/" + stage + " " + routePath + " (" + configPath + ")";
  }
}
