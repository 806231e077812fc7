package dev.portico.gateway.routing;

import io.vertx.core.internal.net.RFC3986;
import java.util.regex.Pattern;

/**
 * The path a request is routed by: dot segments removed ({@code /a/../b} is {@code /b}) and
 * percent-encoded unreserved characters decoded, so that {@code /public/../private} or
 * {@code /public/%2e%2e/private} cannot reach a route, or a backend path, that the plain form would
 * not. Most paths need none of it and are returned as they are.
 */
public final class RequestPaths {

  private RequestPaths() {}

  /** A ".." segment between separators, where a separator may also be encoded or a backslash. */
  private static final Pattern HIDDEN_DOT_SEGMENT =
      Pattern.compile("(?i)(?:^|/|\\\\|%2f|%5c)\\.\\.(?=$|/|\\\\|%2f|%5c)");

  /**
   * Whether a normalised path still holds a ".." segment behind an encoded separator
   * ({@code /files/..%2F..%2Fadmin}) or a backslash. It routes here as an ordinary segment, but a
   * backend that decodes separators before resolving dot segments (as several servers do) would
   * climb out of the route's backend path with it: the gateway refuses it (400) instead.
   */
  public static boolean hidesDotSegment(String normalized) {
    if (normalized.indexOf('%') < 0 && normalized.indexOf('\\') < 0) {
      return false; // plain ".." segments are gone after normalize
    }
    return HIDDEN_DOT_SEGMENT.matcher(normalized).find();
  }

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
