package dev.portico.plugins.apikey;

import dev.portico.spi.Authorizer;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyEnvironment.UsagePlanKey;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Finds the key the client sent among the usage plans' keys (in constant time, by the gateway) and
 * makes the key's id the principal, carrying its plan, which the gateway then applies as the
 * route's first throttler.
 *
 * <p>The key's value goes nowhere but to that lookup: not into a message, a log line, a claim or a
 * counter key. Both refusals are the same 401 apart from their message, and neither echoes what was
 * sent. A request carrying the header more than once is 400: the key looked up must be the only
 * one the backend can see.
 */
final class ApiKeyAuthorizer implements Authorizer {

  private final String header;
  private final PolicyEnvironment env;
  private final Rejection missing;
  private final Rejection unknown;

  ApiKeyAuthorizer(String header, PolicyEnvironment env) {
    this.header = header;
    this.env = env;
    String challenge = "ApiKey header=\"" + header + "\"";
    this.missing = Rejection.unauthorized("Missing API key (send it in " + header + ")")
        .header("WWW-Authenticate", challenge);
    this.unknown = Rejection.unauthorized("Invalid API key").header("WWW-Authenticate", challenge);
  }

  @Override
  public Future<Principal> authorize(RequestContext ctx) {
    String value;
    try {
      value = ctx.request().singleHeader(header);
    } catch (Rejection twoKeys) {
      return Future.failedFuture(twoKeys);
    }
    if (value == null || value.isBlank()) {
      return Future.failedFuture(missing);
    }
    UsagePlanKey key = env.findApiKey(value.trim());
    if (key == null) {
      return Future.failedFuture(unknown);
    }
    return Future.succeededFuture(Principal.of(key.id(), Map.of("usagePlan", key.plan())).withUsagePlan(key.plan()));
  }
}
