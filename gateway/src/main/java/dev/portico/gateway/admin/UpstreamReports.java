package dev.portico.gateway.admin;

import dev.portico.gateway.upstream.CircuitBreaker;
import dev.portico.gateway.upstream.TargetHealth;
import dev.portico.gateway.upstream.Upstream;
import dev.portico.gateway.upstream.UpstreamRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code GET /upstreams} and {@code GET /upstreams/{name}}: each target's state ({@code healthy},
 * {@code unhealthy}, {@code ejected}, {@code drained}) with the reason and since when, and the
 * circuit breaker's, as this node sees them (health is per node).
 */
final class UpstreamReports {

  private final UpstreamRegistry upstreams;

  UpstreamReports(UpstreamRegistry upstreams) {
    this.upstreams = upstreams;
  }

  JsonArray all() {
    JsonArray out = new JsonArray();
    for (Upstream u : upstreams.all()) {
      out.add(report(u));
    }
    return out;
  }

  /** One upstream's report, or null when there is none by that name. */
  JsonObject one(String name) {
    Upstream u = upstreams.get(name);
    return u == null ? null : report(u);
  }

  private static JsonObject report(Upstream u) {
    JsonArray targets = new JsonArray();
    for (int i = 0; i < u.size(); i++) {
      Upstream.Target t = u.target(i);
      TargetHealth.Report r = u.report(i);
      targets.add(new JsonObject()
          .put("url", t.url())
          .put("weight", t.definition().weight())
          .put("state", r.state().label())
          .put("reason", r.reason())
          .put("since", Instant.ofEpochMilli(r.sinceMillis()).toString())
          .put("inFlight", t.inFlight()));
    }
    JsonObject out = new JsonObject()
        .put("name", u.name())
        .put("balance", u.definition().balance().written())
        .put("targets", targets);
    CircuitBreaker breaker = u.breaker();
    if (breaker == null) {
      out.putNull("circuitBreaker");
    } else {
      long now = System.nanoTime() / 1_000_000L;
      CircuitBreaker.State state = breaker.state(now);
      // the breaker keeps a monotonic clock; the report says when on the wall clock
      long since = System.currentTimeMillis() - (now - breaker.stateSinceMillis());
      JsonObject b = new JsonObject()
          .put("state", state.name().toLowerCase(Locale.ROOT).replace('_', '-'))
          .put("since", Instant.ofEpochMilli(since).toString());
      if (state == CircuitBreaker.State.OPEN) {
        b.put("halfOpenInSeconds", (breaker.millisUntilHalfOpen(now) + 999) / 1000);
      }
      out.put("circuitBreaker", b);
    }
    return out;
  }
}
