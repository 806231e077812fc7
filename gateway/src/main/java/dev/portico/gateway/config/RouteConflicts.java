package dev.portico.gateway.config;

import dev.portico.gateway.routing.PathTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds routes that would serve the same requests. A route is served, per stage of its API, at
 * {@code /<stage>} (nothing for {@code $default}) + base path + its path. Two such templates
 * conflict when they have the same {@link PathTemplate#shape() shape} and their methods overlap
 * (no methods means every method). Different shapes never conflict: at match time a literal
 * segment beats {@code {p}}, which beats {@code {p+}}.
 *
 * <pre>{@code
 * RouteConflicts.find(apis);
 * // [apis[1].routes[0]: GET /pets/{} is already served by apis[0].routes[3]]
 * }</pre>
 */
public final class RouteConflicts {

  private RouteConflicts() {}

  /** One problem per conflicting pair, at the later route (in list order), naming the earlier. */
  public static List<String> find(List<ApiDefinition> apis) {
    Map<String, List<RouteDefinition>> byShape = new HashMap<>();
    Set<String> reported = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (ApiDefinition api : apis) {
      for (String stage : api.stages().keySet()) {
        String prefix = (ApiDefinition.DEFAULT_STAGE.equals(stage) ? "" : "/" + stage) + api.basePath();
        for (RouteDefinition route : api.routes()) {
          String shape = shape(route, prefix);
          if (shape == null) {
            continue;
          }
          List<RouteDefinition> sameShape = byShape.computeIfAbsent(shape, s -> new ArrayList<>());
          for (RouteDefinition earlier : sameShape) {
            Set<String> overlap = overlap(earlier.methods(), route.methods());
            if (overlap != null && earlier != route && reported.add(route.configPath() + " " + earlier.configPath())) {
              String what = overlap.isEmpty() ? shape + " (any method)" : String.join(", ", overlap) + " " + shape;
              problems.add(route.configPath() + ": " + what + " is already served by " + earlier.configPath());
            }
          }
          sameShape.add(route);
        }
      }
    }
    return problems;
  }

  /** Null for a route whose path is itself wrong (reported where it was read). */
  private static String shape(RouteDefinition route, String prefix) {
    if (route.path() == null) {
      return null;
    }
    try {
      return PathTemplate.parse(route.path()).under(prefix).shape();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The methods both serve, in the usual order; empty when both serve any; null when none. */
  private static Set<String> overlap(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return Set.of();
    }
    Set<String> common = new LinkedHashSet<>();
    for (String method : ApiBinder.HTTP_METHODS) {
      if ((a.isEmpty() || a.contains(method)) && (b.isEmpty() || b.contains(method))) {
        common.add(method);
      }
    }
    return common.isEmpty() ? null : common;
  }
}
