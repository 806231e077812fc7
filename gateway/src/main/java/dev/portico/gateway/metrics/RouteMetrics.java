package dev.portico.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one route (API, stage, deployment, route path), resolved once: a request records
 * on meters it already holds, without building tags or asking the registry. Shared by every event
 * loop; the meters themselves are thread-safe.
 *
 * <p>Meters appear on first use: a status class, a policy, an upstream time that never happened
 * adds no series to the scrape.
 */
public final class RouteMetrics {

  /** One status class of the route: its request count and its total-time histogram. */
  private record Served(Counter requests, Timer duration) {}

  /** A policy's refusal, as counted: by which policy, with what status. */
  private record Denial(String policy, int status) {}

  private final MeterRegistry registry;
  private final Tags tags;
  /** Index 1 to 5 for 1xx to 5xx, 0 for anything else. */
  private final AtomicReferenceArray<Served> served = new AtomicReferenceArray<>(6);
  private volatile Timer upstream;
  private final ConcurrentHashMap<String, Counter> throttled = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Denial, Counter> denied = new ConcurrentHashMap<>();

  RouteMetrics(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
  }

  /** Takes every meter of the route out of the registry: its series end. */
  void remove() {
    for (int i = 0; i < served.length(); i++) {
      Served s = served.get(i);
      if (s != null) {
        registry.remove(s.requests());
        registry.remove(s.duration());
      }
    }
    Timer t = upstream;
    if (t != null) {
      registry.remove(t);
    }
    throttled.values().forEach(registry::remove);
    denied.values().forEach(registry::remove);
  }

  /**
   * A response was sent (or abandoned) with {@code status}.
   *
   * @param totalNanos from the request's arrival to the response's end
   * @param upstreamNanos from sending the request to a backend to its response head; negative
   *     when no backend answered
   */
  public void served(int status, long totalNanos, long upstreamNanos) {
    Served s = served(status);
    s.requests.increment();
    s.duration.record(totalNanos, TimeUnit.NANOSECONDS);
    if (upstreamNanos >= 0) {
      upstream().record(upstreamNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A throttler answered 429. */
  public void throttled(String policy) {
    throttled.computeIfAbsent(policy, p -> Counter.builder(GatewayMetrics.THROTTLED)
        .description("Requests a throttler refused with 429, by policy")
        .tags(tags).tag("policy", p).register(registry)).increment();
  }

  /** A policy refused the request with {@code status} (other than a throttler's 429). */
  public void denied(String policy, int status) {
    denied.computeIfAbsent(new Denial(policy, status), d -> Counter.builder(GatewayMetrics.DENIED)
        .description("Requests a policy refused (401, 403, 400...), by policy and status")
        .tags(tags).tag("policy", d.policy()).tag("status", String.valueOf(d.status())).register(registry)).increment();
  }

  private Served served(int status) {
    int i = status >= 100 && status < 600 ? status / 100 : 0;
    Served s = served.get(i);
    if (s == null) {
      // two loops racing here get the same meters: the registry returns the one already registered
      Tags withStatus = tags.and("status", i == 0 ? "other" : i + "xx");
      s = new Served(
          Counter.builder(GatewayMetrics.REQUESTS).description("Requests answered, by route and status class")
              .tags(withStatus).register(registry),
          Timer.builder(GatewayMetrics.REQUEST_DURATION)
              .description("From a request's arrival to its response's end")
              .tags(withStatus).serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS).register(registry));
      served.set(i, s);
    }
    return s;
  }

  private Timer upstream() {
    Timer t = upstream;
    if (t == null) {
      t = Timer.builder(GatewayMetrics.UPSTREAM_DURATION)
          .description("From sending a request to the backend to receiving its response head")
          .tags(tags).serviceLevelObjectives(GatewayMetrics.LATENCY_BUCKETS).register(registry);
      upstream = t;
    }
    return t;
  }
}
