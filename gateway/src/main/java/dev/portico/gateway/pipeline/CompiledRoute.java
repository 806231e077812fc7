package dev.portico.gateway.pipeline;

import dev.portico.gateway.proxy.Integration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A route of one stage, ready to serve: its policies sorted by kind (API-level before route-level,
 * each in file order), its stage variables and its integration. Immutable; shared by every event
 * loop.
 */
public final class CompiledRoute {

  /** The deployment label of a stage that follows the API's current definition (no deployment pinned). */
  public static final String CURRENT = "current";

  final String api;
  final String stage;
  /**
   * The deployment this route was compiled from, or {@link #CURRENT} when its stage follows the
   * API's current definition; the access log and the metrics say which one served.
   */
  final String deployment;
  final String routePath;
  final String configPath;
  /** {@link dev.portico.spi.RequestContext#routeId()}: API, stage, methods (sorted, {@code *} for any) and path. */
  final String id;
  final Map<String, String> stageVariables;
  final PolicyHandle[] authorizers;
  final PolicyHandle[] throttlers;
  final PolicyHandle[] transformers;
  final Integration integration;
  /** The stage's canary, or null: a request that matches this route may be served by the canary's instead. */
  final CanaryRoutes canary;
  /** No policy at all: the pipeline goes straight to the integration. */
  final boolean plain;

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
