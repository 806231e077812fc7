package dev.portico.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * One API: a base path, its stages, policies for every route, and its routes.
 *
 * @param basePath normalised: starts with '/', no trailing '/', or empty for the root
 * @param stages by name, in file order; never empty ({@code $default} when the file has none)
 */
public record ApiDefinition(
    String name,
    String basePath,
    Map<String, StageDefinition> stages,
    List<PolicyRef> policies,
    List<RouteDefinition> routes) {

  public static final String DEFAULT_STAGE = "$default";

  public ApiDefinition {
    stages = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stages));
    policies = List.copyOf(policies);
    routes = List.copyOf(routes);
  }
}
