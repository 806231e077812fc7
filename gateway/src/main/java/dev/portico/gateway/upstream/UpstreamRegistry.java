package dev.portico.gateway.upstream;

import dev.portico.gateway.config.UpstreamDefinition;
import dev.portico.spi.PemTrust;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The node's upstreams: built from the configuration's {@code upstreams}, rebuilt on every reload
 * with the health of the targets that stay handed over, their active probes running, and their
 * metrics registered ({@code portico_upstream_*}, listed in docs/CONFIGURATION.md).
 *
 * <p>Health is per node, as each node sees its targets; nothing of it is shared through a cluster.
 */
public final class UpstreamRegistry {

  static final String TARGET_UP = "portico.upstream.target.up";
  static final String REQUESTS = "portico.upstream.requests";
  static final String RETRIES = "portico.upstream.retries";
  static final String CIRCUIT_OPEN = "portico.upstream.circuit.open";

  private final Vertx vertx;
  private final MeterRegistry meters;
  private volatile Map<String, Upstream> upstreams = Map.of();
  private final Map<String, ActiveProber> probers = new HashMap<>();
  private final Map<String, List<Meter>> metersByUpstream = new HashMap<>();

  public UpstreamRegistry(Vertx vertx, MeterRegistry meters) {
    this.vertx = vertx;
    this.meters = meters;
  }

  /** The upstream serving {@code name} now, or null. */
  public Upstream get(String name) {
    return upstreams.get(name);
  }

  /** Every upstream, in configuration order. */
  public List<Upstream> all() {
    return List.copyOf(upstreams.values());
  }

  /**
   * Serves {@code definitions} from now on: each target that stays (same upstream name, same URL)
   * keeps its health and requests in flight; a breaker whose settings stay keeps its state;
   * probes restart with the new settings; what is gone stops and its metric series end.
   *
   * @param baseDir what a relative {@code trustStore} is resolved against (the checks passed at load)
   */
  public synchronized void apply(List<UpstreamDefinition> definitions, java.nio.file.Path baseDir) {
    Map<String, Upstream> before = upstreams;
    Map<String, Upstream> next = new LinkedHashMap<>();
    Map<String, TrustOptions> trustByName = new HashMap<>();
    for (UpstreamDefinition d : definitions) {
      Upstream previous = before.get(d.name());
      Upstream.Target[] targets = new Upstream.Target[d.targets().size()];
      for (int i = 0; i < targets.length; i++) {
        UpstreamDefinition.Target t = d.targets().get(i);
        TargetHealth health = previous == null ? null : previous.healthOf(t.url());
        targets[i] = new Upstream.Target(t, health != null ? health : new TargetHealth(t.url()), outcomeCounters(d.name(), t.url()));
      }
      CircuitBreaker breaker = null;
      if (d.circuitBreaker() != null) {
        breaker = previous != null && previous.breaker() != null
            && Objects.equals(previous.definition().circuitBreaker(), d.circuitBreaker())
            ? previous.breaker() : breaker(d);
      }
      Object lock = previous != null ? previous.ejectionLock() : new Object();
      Counter retries = Counter.builder(RETRIES).tags(Tags.of("upstream", d.name()))
          .description("Tries repeated after a failed one").register(meters);
      next.put(d.name(), new Upstream(d, targets, breaker, retries, lock));
      if (d.trustStore() != null) {
        trustByName.put(d.name(), PemTrust.jvmPlus(baseDir.resolve(d.trustStore()).normalize()));
      }
    }
    upstreams = Map.copyOf(next);
    probers.values().forEach(ActiveProber::close);
    probers.clear();
    for (Upstream u : next.values()) {
      if (u.definition().active() != null) {
        probers.put(u.name(), new ActiveProber(vertx, u, trustByName.get(u.name())));
      }
    }
    registerGauges(before, next);
  }

  private Counter[] outcomeCounters(String upstream, String target) {
    Outcome[] outcomes = Outcome.values();
    Counter[] counters = new Counter[outcomes.length];
    for (Outcome o : outcomes) {
      counters[o.ordinal()] = Counter.builder(REQUESTS)
          .tags(Tags.of("upstream", upstream, "target", target, "outcome", o.label()))
          .description("Tries sent to an upstream's target, by how they ended").register(meters);
    }
    return counters;
  }

  private static CircuitBreaker breaker(UpstreamDefinition d) {
    UpstreamDefinition.Breaker b = d.circuitBreaker();
    return new CircuitBreaker(b.failureRate(), b.minRequests(), b.window().toMillis(), b.openFor().toMillis(),
        b.halfOpenRequests());
  }

  /**
   * Gauges read the registry by name when scraped, so they follow each reload; the series of
   * upstreams and targets that are gone are removed.
   */
  private void registerGauges(Map<String, Upstream> before, Map<String, Upstream> next) {
    metersByUpstream.values().forEach(list -> list.forEach(meters::remove));
    metersByUpstream.clear();
    for (Upstream u : next.values()) {
      List<Meter> registered = new ArrayList<>();
      String name = u.name();
      for (int i = 0; i < u.size(); i++) {
        String url = u.target(i).url();
        registered.add(Gauge.builder(TARGET_UP, this, r -> r.targetUp(name, url))
            .tags(Tags.of("upstream", name, "target", url))
            .description("1 while the target may get traffic (healthy, not ejected, weight above 0)").register(meters));
      }
      registered.add(Gauge.builder(CIRCUIT_OPEN, this, r -> r.circuitOpen(name))
          .tags(Tags.of("upstream", name))
          .description("1 while the upstream's circuit breaker is open or half-open").register(meters));
      metersByUpstream.put(name, registered);
    }
    // request counters and retries of what is gone
    for (Upstream gone : before.values()) {
      Upstream now = next.get(gone.name());
      for (int i = 0; i < gone.size(); i++) {
        String url = gone.target(i).url();
        if (now == null || now.healthOf(url) == null) {
          for (Counter c : gone.target(i).outcomes) {
            meters.remove(c);
          }
        }
      }
      if (now == null) {
        meters.remove(gone.retriesCounter());
      }
    }
  }

  private double targetUp(String upstream, String url) {
    Upstream u = upstreams.get(upstream);
    if (u == null) {
      return 0;
    }
    for (int i = 0; i < u.size(); i++) {
      if (u.target(i).url().equals(url)) {
        return u.up(i) ? 1 : 0;
      }
    }
    return 0;
  }

  private double circuitOpen(String upstream) {
    Upstream u = upstreams.get(upstream);
    if (u == null || u.breaker() == null) {
      return 0;
    }
    return u.breaker().state(System.nanoTime() / 1_000_000) == CircuitBreaker.State.CLOSED ? 0 : 1;
  }

  /** Stops every prober (the gateway is stopping). */
  public synchronized void close() {
    probers.values().forEach(ActiveProber::close);
    probers.clear();
  }
}
