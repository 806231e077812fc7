package dev.portico.plugins.cors;

import java.util.List;
import java.util.Set;

/**
 * What the {@code cors} policy allows, bound once when the configuration is loaded, with the
 * header values it sends already joined.
 *
 * @param anyOrigin {@code origins: ['*']}: every origin, answered with {@code *}
 * @param origins the allowed origins, lower-case, default ports removed (empty when {@code anyOrigin})
 * @param allowMethods the value of {@code Access-Control-Allow-Methods}, or null to echo the requested method
 * @param allowHeaders the value of {@code Access-Control-Allow-Headers} (empty: none), or null to echo the requested headers
 * @param exposeHeaders the value of {@code Access-Control-Expose-Headers}, or null for none
 * @param credentials whether {@code Access-Control-Allow-Credentials: true} is sent
 * @param maxAge the value of {@code Access-Control-Max-Age}, in seconds
 */
record CorsConfig(boolean anyOrigin, Set<String> origins, String allowMethods, String allowHeaders,
    String exposeHeaders, boolean credentials, String maxAge) {

  CorsConfig {
    origins = Set.copyOf(origins);
  }

  /** The methods a route allows when {@code methods} is not set: the ones a browser may send cross-origin. */
  static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
}
