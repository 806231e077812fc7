package dev.portico.gateway.config;

import java.util.List;
import java.util.Set;

/**
 * One route of an API.
 *
 * @param path the template below the API's base path: literal segments, {@code {name}} for one
 *     segment, {@code {name+}} (last only) for the rest of the path
 * @param methods upper-case method names; empty means any method
 * @param configPath where the route is in the file, e.g. {@code apis[0].routes[2]}, for messages
 */
public record RouteDefinition(
    String path,
    Set<String> methods,
    IntegrationDefinition integration,
    List<PolicyRef> policies,
    String configPath) {

  public RouteDefinition {
    methods = Set.copyOf(methods);
    policies = List.copyOf(policies);
  }
}
