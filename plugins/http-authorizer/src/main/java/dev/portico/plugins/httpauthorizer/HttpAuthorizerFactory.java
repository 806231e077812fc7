package dev.portico.plugins.httpauthorizer;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PemTrust;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code http-authorizer}: asks an HTTP service of your own whether a request may pass (the
 * self-hosted equivalent of an Amazon API Gateway Lambda authorizer).
 *
 * <pre>{@code
 * policies:
 *   - http-authorizer:
 *       uri: http://127.0.0.1:7000/authorize
 *       identitySource: [Authorization]   # default
 *       cacheTtl: 300s                    # default; 0s turns caching off
 *       timeout: 2s                       # default
 *       trustStore: certs/authz-ca.pem    # optional: trusted for https, besides the JVM's trust store
 * }</pre>
 *
 * <p>The gateway sends {@code POST uri} with the {@code identitySource} headers copied and a JSON
 * body {@code {"method", "path", "query", "headers", "sourceIp", "api", "stage", "route"}}:
 *
 * <ul>
 *   <li>2xx: allowed; the answer is a JSON object, the principal: its id is {@code principalId}
 *       or {@code sub}, its other fields are claims ({@code ${principal.<field>}}).</li>
 *   <li>401 or 403: passed on to the client (with the answer's {@code message} and, for 401, its
 *       {@code WWW-Authenticate}).</li>
 *   <li>Anything else, no answer within {@code timeout}, or a 2xx without an id: 503.</li>
 * </ul>
 *
 * <p>A request missing one of the {@code identitySource} headers is 401 without a call. Allow and
 * deny decisions are cached for {@code cacheTtl} per identity (the identitySource values), method
 * and route; 503s are not cached. Concurrent requests with the same identity, method and route
 * share one call.
 */
public final class HttpAuthorizerFactory implements PolicyFactory<HttpAuthorizerFactory.Config> {

  /**
   * @param uri the authorizer's absolute {@code http} or {@code https} URI
   * @param identitySource the headers that identify the caller, copied to the call and keying the cache
   * @param cacheTtl how long a decision is reused; zero: never
   * @param timeout the whole call's bound, from connecting to the answer's last byte
   * @param trustStore a PEM file of certificates trusted for an https {@code uri} besides the
   *     JVM's, relative to the configuration file; null for the JVM's alone
   */
  public record Config(String uri, List<String> identitySource, Duration cacheTtl, Duration timeout, String trustStore) {}

  @Override
  public String name() {
    return "http-authorizer";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.AUTHORIZER;
  }

  @Override
  public Config parse(ConfigReader config) {
    String uri = config.requiredString("uri");
    if (uri != null) {
      String problem = uriProblem(uri);
      if (problem != null) {
        config.problem("uri", problem);
      }
    }
    List<String> identitySource = config.strings("identitySource", List.of("Authorization"));
    if (identitySource.isEmpty()) {
      config.problem("identitySource", "must name at least one header");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < identitySource.size(); i++) {
      String header = identitySource.get(i);
      if (!ConfigReader.isToken(header)) {
        config.problem("identitySource[" + i + "]", "'" + header + "' is not a valid header name");
      } else if (!seen.add(header.toLowerCase(Locale.ROOT))) {
        config.problem("identitySource[" + i + "]", "'" + header + "' appears twice (header names are case-insensitive)");
      }
    }
    Duration cacheTtl = config.duration("cacheTtl", Duration.ofSeconds(300));
    Duration timeout = config.duration("timeout", Duration.ofSeconds(2));
    if (timeout.isZero()) {
      config.problem("timeout", "must be longer than 0");
    }
    String trustStore = config.string("trustStore", null);
    if (trustStore != null && trustStore.isBlank()) {
      config.problem("trustStore", "must name a PEM file");
      trustStore = null;
    }
    return new Config(uri, List.copyOf(identitySource), cacheTtl, timeout, trustStore);
  }

  @Override
  public Policy create(Config config, PolicyEnvironment env) {
    TrustOptions trust = config.trustStore() == null ? null : PemTrust.jvmPlus(env.resolve(config.trustStore()));
    return new HttpAuthorizer(config, env.vertx(), trust);
  }

  private static String uriProblem(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "must be an absolute http or https URI (" + e.getReason() + ")";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "must be an absolute http or https URI (was '" + text + "')";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must name a host (was '" + text + "')";
    }
    if (uri.getRawFragment() != null) {
      return "must not have a fragment (was '" + text + "')";
    }
    return null;
  }
}
