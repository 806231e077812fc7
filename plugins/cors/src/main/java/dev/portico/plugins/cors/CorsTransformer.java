package dev.portico.plugins.cors;

import dev.portico.spi.GatewayResponse;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Locale;

/**
 * Applies a {@link CorsConfig}: answers preflights in {@code onMatch}, before the method check,
 * authorizers and throttlers (docs/CONFIGURATION.md, the cors policy), and puts the CORS headers on every other
 * response of the route in {@code onResponse}, the gateway's own errors included, so that a
 * browser lets the page read a 401 or a 429. Holds nothing per request.
 */
final class CorsTransformer implements Transformer {

  private static final Future<Void> DONE = Future.succeededFuture();
  /** The request's allowed origin, as the value of Access-Control-Allow-Origin; absent when not allowed. */
  private static final String ALLOWED_ORIGIN = "cors.allowedOrigin";
  private static final String PREFLIGHT = "cors.preflight";

  /** The headers this policy owns on its route: the backend's own are dropped, so a browser never sees two answers. */
  private static final List<String> OWNED = List.of(
      "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
      "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age");

  private final CorsConfig config;

  CorsTransformer(CorsConfig config) {
    this.config = config;
  }

  @Override
  public Future<Void> onMatch(RequestContext ctx) {
    // Read here, once: later transformers may remove Origin from the request sent to the backend.
    MultiMap in = ctx.request().headers();
    String origin = in.get("Origin");
    String allowedOrigin = origin == null ? null : allowedOrigin(origin);
    if (allowedOrigin != null) {
      ctx.put(ALLOWED_ORIGIN, allowedOrigin);
    }
    String requestedMethod = in.get("Access-Control-Request-Method");
    if (origin == null || requestedMethod == null || !"OPTIONS".equals(ctx.method())) {
      return DONE; // not a preflight: the request proceeds, allowed origin or not
    }
    // A preflight is answered here whatever the origin: it is the browser's question, never the
    // backend's. A disallowed origin gets no CORS headers, and the browser stops there.
    ctx.put(PREFLIGHT, Boolean.TRUE);
    MultiMap out = ctx.respond(204).headers();
    StringBuilder vary = new StringBuilder();
    if (!config.anyOrigin()) {
      vary.append("Origin");
    }
    if (allowedOrigin != null) {
      out.set("Access-Control-Allow-Origin", allowedOrigin);
      if (config.credentials()) {
        out.set("Access-Control-Allow-Credentials", "true");
      }
      if (config.allowMethods() != null) {
        out.set("Access-Control-Allow-Methods", config.allowMethods());
      } else {
        out.set("Access-Control-Allow-Methods", requestedMethod.trim());
        appendToken(vary, "Access-Control-Request-Method");
      }
      if (config.allowHeaders() != null) {
        if (!config.allowHeaders().isEmpty()) {
          out.set("Access-Control-Allow-Headers", config.allowHeaders());
        }
      } else {
        String requestedHeaders = in.get("Access-Control-Request-Headers");
        if (requestedHeaders != null && !requestedHeaders.isBlank()) {
          out.set("Access-Control-Allow-Headers", requestedHeaders.trim());
        }
        appendToken(vary, "Access-Control-Request-Headers");
      }
      out.set("Access-Control-Max-Age", config.maxAge());
    }
    if (vary.length() > 0) {
      out.set("Vary", vary.toString());
    }
    return DONE;
  }

  @Override
  public Future<Void> onResponse(RequestContext ctx) {
    GatewayResponse response = ctx.response();
    if (response == null || ctx.get(PREFLIGHT) != null) {
      return DONE; // our own preflight answer is complete as it is
    }
    MultiMap headers = response.headers();
    for (String name : OWNED) {
      headers.remove(name);
    }
    if (!config.anyOrigin()) {
      addVaryOrigin(headers); // the answer depends on Origin, whatever it was: caches must know
    }
    String allowedOrigin = ctx.get(ALLOWED_ORIGIN);
    if (allowedOrigin == null) {
      return DONE;
    }
    headers.set("Access-Control-Allow-Origin", allowedOrigin);
    if (config.credentials()) {
      headers.set("Access-Control-Allow-Credentials", "true");
    }
    if (config.exposeHeaders() != null) {
      headers.set("Access-Control-Expose-Headers", config.exposeHeaders());
    }
    return DONE;
  }

  /** The value of Access-Control-Allow-Origin for this Origin, or null when it is not allowed. */
  private String allowedOrigin(String origin) {
    if (config.anyOrigin()) {
      return "*";
    }
    String trimmed = origin.trim();
    return config.origins().contains(trimmed.toLowerCase(Locale.ROOT)) ? trimmed : null;
  }

  private static void addVaryOrigin(MultiMap headers) {
    List<String> lines = headers.getAll("Vary");
    if (lines.isEmpty()) {
      headers.set("Vary", "Origin");
      return;
    }
    for (String line : lines) {
      for (String token : line.split(",")) {
        String t = token.trim();
        if (t.equals("*") || t.equalsIgnoreCase("Origin")) {
          return;
        }
      }
    }
    headers.set("Vary", String.join(", ", lines) + ", Origin");
  }

  private static void appendToken(StringBuilder list, String token) {
    if (list.length() > 0) {
      list.append(", ");
    }
    list.append(token);
  }
}
