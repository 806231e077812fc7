package dev.portico.plugins.cors;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code cors} transformer: the gateway answers CORS preflights itself and puts the CORS
 * headers on the route's responses, so browsers on other origins may call the API.
 *
 * <pre>{@code
 * - cors:
 *     origins: ["https://app.example.com", "http://localhost:3000"]   # or ['*']
 *     methods: [GET, POST]              # [GET, HEAD, POST, PUT, PATCH, DELETE]; ['*'] echoes the requested one
 *     headers: [Authorization, Content-Type]   # ['*'] (the default) echoes the requested ones
 *     exposeHeaders: [X-Request-Id]     # []
 *     credentials: true                 # false; not with origins: ['*']
 *     maxAge: 10m                       # 10m
 * }</pre>
 *
 * <ul>
 *   <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 *       is answered 204 right after the path matched: no authorizer, throttler or backend sees it.
 *       A disallowed origin gets the 204 without CORS headers, which the browser takes as a
 *       refusal.</li>
 *   <li>Any other request proceeds whatever its origin. An allowed origin gets
 *       {@code Access-Control-Allow-Origin} (the origin itself, with {@code Vary: Origin}, or
 *       {@code *}), {@code Access-Control-Allow-Credentials} and
 *       {@code Access-Control-Expose-Headers} on the response, the gateway's errors included; a
 *       disallowed one gets none.</li>
 *   <li>The policy owns the {@code Access-Control-*} response headers of its route: the backend's
 *       own are dropped.</li>
 * </ul>
 */
public final class CorsFactory implements PolicyFactory<CorsConfig> {

  private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

  @Override
  public String name() {
    return "cors";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.TRANSFORMER;
  }

  @Override
  public CorsConfig parse(ConfigReader config) {
    boolean credentials = config.bool("credentials", false);

    boolean anyOrigin = false;
    Set<String> origins = new LinkedHashSet<>();
    if (!config.has("origins")) {
      config.problem("origins", "is required: list the origins allowed, e.g. [\"https://app.example.com\"], or ['*']");
    } else {
      List<String> written = config.strings("origins", List.of());
      if (written.isEmpty()) {
        config.problem("origins", "must list at least one origin, or '*'");
      }
      for (int i = 0; i < written.size(); i++) {
        String origin = written.get(i).trim();
        if (origin.equals("*")) {
          anyOrigin = true;
          continue;
        }
        try {
          origins.add(Origins.normalize(origin));
        } catch (IllegalArgumentException e) {
          config.problem("origins[" + i + "]", e.getMessage());
        }
      }
      if (anyOrigin && written.size() > 1) {
        config.problem("origins", "'*' already allows every origin: list it alone");
      }
      if (anyOrigin && credentials) {
        config.problem("credentials",
            "cannot be true with origins: ['*'] (browsers refuse credentials with a wildcard origin): list the origins");
      }
    }

    String methods = joined(config, "methods", CorsConfig.DEFAULT_METHODS, true);
    if ("".equals(methods)) {
      config.problem("methods", "must list at least one method, or '*'");
    }
    String headers = joined(config, "headers", List.of("*"), false);
    String expose = joined(config, "exposeHeaders", List.of(), false);
    if ("*".equals(expose) && credentials) {
      config.problem("exposeHeaders", "'*' is no wildcard for requests with credentials: list the headers");
    }
    Duration maxAge = config.duration("maxAge", DEFAULT_MAX_AGE);
    return new CorsConfig(anyOrigin, anyOrigin ? Set.of() : origins, methods, headers,
        expose == null || expose.isEmpty() ? null : expose, credentials, String.valueOf(maxAge.toSeconds()));
  }

  /**
   * A list of methods or header names as one header value: null for {@code ['*']} where it means
   * "echo the request's" (methods and headers), {@code "*"} for exposeHeaders.
   */
  private static String joined(ConfigReader config, String key, List<String> defaultValue, boolean methods) {
    List<String> written = config.strings(key, defaultValue);
    List<String> tokens = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < written.size(); i++) {
      String token = written.get(i).trim();
      if (token.equals("*")) {
        any = true;
      } else if (!ConfigReader.isToken(token)) {
        config.problem(key + "[" + i + "]", "'" + token + "' is not a valid " + (methods ? "method" : "header name"));
      } else {
        tokens.add(methods ? token.toUpperCase(Locale.ROOT) : token);
      }
    }
    if (any) {
      if (!tokens.isEmpty()) {
        config.problem(key, "'*' already allows everything: list it alone");
      }
      return key.equals("exposeHeaders") ? "*" : null;
    }
    return String.join(", ", tokens);
  }

  @Override
  public Policy create(CorsConfig config, PolicyEnvironment env) {
    return new CorsTransformer(config);
  }
}
