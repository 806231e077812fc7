package dev.portico.gateway.config;

import java.util.List;

/**
 * What {@link ConfigLoader} made of a configuration: either a whole config, or every problem found.
 *
 * @param config the configuration; null unless {@link #ok()}, so a half-bound one is never used
 * @param problems one line each, {@code path: message}, e.g.
 *     {@code apis[0].routes[2].policies[0].rate-limit.rate: must be a positive number}
 */
public record LoadResult(GatewayConfig config, List<String> problems) {

  public LoadResult {
    problems = List.copyOf(problems);
    if (!problems.isEmpty()) {
      config = null;
    }
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
