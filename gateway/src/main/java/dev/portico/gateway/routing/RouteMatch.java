package dev.portico.gateway.routing;

import java.util.Map;
import java.util.Set;

/**
 * What {@link RouteTable#match} found for a request: a route, no route for the path (404), or
 * routes for the path but none for the method (405).
 *
 * <pre>{@code
 * RouteMatch<Route> m = table.match(method, path);
 * if (m instanceof RouteMatch.Found<Route> found) {
 *   serve(found.target(), found.pathParams());
 * } else if (m instanceof RouteMatch.MethodNotAllowed<Route> notAllowed) {
 *   fail(405).putHeader("Allow", notAllowed.allowHeader());
 * } else {
 *   fail(404);
 * }
 * }</pre>
 *
 * @param <T> what the table routes to
 */
public sealed interface RouteMatch<T>
    permits RouteMatch.Found, RouteMatch.NotFound, RouteMatch.MethodNotAllowed {

  /** The shared "no route for this path" answer: a miss allocates nothing. */
  @SuppressWarnings("unchecked")
  static <T> RouteMatch<T> notFound() {
    return (RouteMatch<T>) NotFound.INSTANCE;
  }

  /**
   * A route accepts the request.
   *
   * @param target the route's target
   * @param pathParams the route's parameters by the names of its template, as sent (still
   *     percent-encoded); a greedy {@code {proxy+}} is named {@code proxy} and holds the rest of the
   *     path without its leading '/'. Unmodifiable.
   */
  record Found<T>(T target, Map<String, String> pathParams) implements RouteMatch<T> {}

  /** No route has a shape that matches the path. */
  record NotFound<T>() implements RouteMatch<T> {
    private static final NotFound<?> INSTANCE = new NotFound<>();
  }

  /**
   * Routes match the path, but none accepts the method.
   *
   * @param allowedMethods the methods those routes accept, sorted; {@code HEAD} whenever {@code GET}
   */
  record MethodNotAllowed<T>(Set<String> allowedMethods) implements RouteMatch<T> {

    /** The value of the {@code Allow} header, e.g. {@code DELETE, GET, HEAD}. */
    public String allowHeader() {
      return String.join(", ", allowedMethods);
    }
  }
}
