package dev.portico.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * One API: a base path, its stages, policies for every route, and its routes.
 *
 * @param basePath normalised: starts with '/', no trailing '/', or empty for the root
 * @param stages by name, in file order; never empty ({@code $default} when the file has none)
 * @param source the object as written (after {@code ${env:...}} substitution): what the admin API
 *     keeps, freezes into deployments and shares with the cluster
 */
public record ApiDefinition(
    String name,
    String basePath,
    Map<String, StageDefinition> stages,
    List<PolicyRef> policies,
    List<RouteDefinition> routes,
    io.vertx.core.json.JsonObject source) {

  public static final String DEFAULT_STAGE = "$default";

  public ApiDefinition {
    stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
    policies = List.copyOf(policies);
    routes = List.copyOf(routes);
    source = source == null ? new io.vertx.core.json.JsonObject() : source.copy();
  }

  /** The same API with one stage only, {@code stage} with {@code variables}: what one stage serves. */
  public ApiDefinition forStage(String stage, Map<String, String> variables) {
    return new ApiDefinition(name, basePath, Map.of(stage, new StageDefinition(stage, variables)), policies, routes,
        source);
  }

  @Override
  public io.vertx.core.json.JsonObject source() {
    return source.copy();
  }
}
