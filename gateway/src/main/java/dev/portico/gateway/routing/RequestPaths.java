package dev.portico.gateway.routing;

import io.vertx.core.internal.net.RFC3986;

/**
 * The path a request is routed by: dot segments removed ({@code /a/../b} is {@code /b}) and
 * percent-encoded unreserved characters decoded, so that {@code /public/../private} or
 * {@code /public/%2e%2e/private} cannot reach a route, or a backend path, that the plain form would
 * not. Most paths need none of it and are returned as they are.
 */
public final class RequestPaths {

  private RequestPaths() {}

  public static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    if (path.indexOf('%') < 0 && path.indexOf("/.") < 0) {
      return path;
    }
    // Vert.x's RFC 3986 normalisation (an internal class, also used by vertx-web's router)
    return RFC3986.normalizePath(path);
  }
}
