package dev.portico.gateway.metrics;

import dev.portico.spi.CounterStore;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gateway's metrics, in one Prometheus registry that {@code GET /metrics} scrapes: the gateway's
 * own (requests by route, latency histograms, policy refusals, the counter store) and, through
 * {@code vertx-micrometer-metrics}, Vert.x's (event loops, worker pools, a cluster's event bus)
 * with the JVM's. Vert.x is built with {@link #vertxOptions()} and {@link #vertxFactory()}.
 *
 * <p>Every label value comes from the configuration (API, route template, stage, deployment,
 * policy name) or from a small fixed set (status class, store type), never from a request: a
 * client cannot grow the number of series. Metric names and labels are listed in
 * docs/CONFIGURATION.md, section 19a.
 */
public final class GatewayMetrics {

  static final String REQUESTS = "portico.requests";
  static final String REQUEST_DURATION = "portico.request.duration";
  static final String UPSTREAM_DURATION = "portico.upstream.duration";
  static final String THROTTLED = "portico.throttled";
  static final String DENIED = "portico.denied";
  static final String STORE_DURATION = "portico.counter.store.duration";
  static final String STORE_ERRORS = "portico.counter.store.errors";
  static final String OPEN_CONNECTIONS = "portico.open.connections";
  static final String APIS_LEFT_OUT = "portico.apis.left.out";

  /** The label value of a request answered before a route was chosen (404, 405, 413...). */
  public static final String UNROUTED = "-";


  /** Request and upstream latency buckets, 1 ms to 30 s (Prometheus reports them in seconds). */
  static final Duration[] LATENCY_BUCKETS = millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000);
  /** Counter store buckets, 0.1 ms to 2.5 s: a local store answers in microseconds, a remote one in a round trip. */
  static final Duration[] STORE_BUCKETS = millis(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500);

  /** Vert.x keeps its registries in a static map by name: each gateway of a JVM (tests run several) needs its own. */
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final String registryName = "portico-" + INSTANCES.incrementAndGet();
  private final ConcurrentHashMap<RouteLabels, RouteMetrics> routes = new ConcurrentHashMap<>();
  private final RouteMetrics unrouted;

  /** The labels that tell one route's series from another's: {@code route} is its path template. */
  public record RouteLabels(String api, String route, String stage, String deployment) {}

  /** Client connections open now: counted per connection, not per request (Vert.x's own server meters are off). */
  private final java.util.concurrent.atomic.LongAdder openConnections = new java.util.concurrent.atomic.LongAdder();

  /** APIs (or some of their routes) this node could not compile, of those it should serve. */
  private final AtomicInteger apisLeftOut = new AtomicInteger();

  public GatewayMetrics() {
    this.unrouted = route(UNROUTED, UNROUTED, UNROUTED, UNROUTED);
    io.micrometer.core.instrument.Gauge.builder(APIS_LEFT_OUT, apisLeftOut, AtomicInteger::get)
        .description("APIs this node leaves out, wholly or in part, because it cannot compile them (logged)").register(registry);
    io.micrometer.core.instrument.Gauge.builder(OPEN_CONNECTIONS, openConnections, java.util.concurrent.atomic.LongAdder::sum)
        .description("Client connections open on the gateway's listener").register(registry);
  }

  /** How many APIs the configuration served now leaves out, wholly or in part. */
  public void apisLeftOut(int count) {
    apisLeftOut.set(count);
  }

  /** A client connected to the listener. */
  public void connectionOpened() {
    openConnections.increment();
  }

  /** A client connection closed. */
  public void connectionClosed() {
    openConnections.decrement();
  }

  /**
   * The metrics options to build Vert.x with: its meters and the JVM's, into this registry.
   *
   * @implNote Vert.x's HTTP and TCP meters, server and client, are left out: they record on every
   *     request and every buffer read or written, and the no-policy route paid for it in bench/
   *     (side by side with main, same run): with all of them, about a fifth more CPU per request;
   *     with the client's alone, 5 to 12 % fewer requests per second on POST 1 KiB in three runs;
   *     without them, no difference the noise would show. {@code portico_requests_total} and the
   *     latency histograms say the same and more, by route. The price is the backend connection
   *     pools ({@code vertx_pool_*{pool_type="http"}}), which Vert.x 5 counts among the HTTP
   *     client's meters: removing {@code HTTP_CLIENT} below brings them back, with that cost (and
   *     with Micrometer's harmless WARN about Vert.x's repeated gauge registrations,
   *     vertx-micrometer-metrics#259).
   */
  public MicrometerMetricsOptions vertxOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        // the event loops' pending tasks and Netty's buffer pools
        .setNettyMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT);
  }

  /** The factory that makes Vert.x record into this registry rather than a global one. */
  public VertxMetricsFactory vertxFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  /**
   * The meters of a route, the same holder for the same labels: a route compiled again (a reload,
   * a new deployment with an unchanged route) keeps counting where it was.
   */
  public RouteMetrics route(String api, String route, String stage, String deployment) {
    return routes.computeIfAbsent(new RouteLabels(api, route, stage, deployment), k -> new RouteMetrics(registry,
        Tags.of("api", k.api(), "route", k.route(), "stage", k.stage(), "deployment", k.deployment())));
  }

  /**
   * Drops the series of every route not in {@code served}: those of a deployment no stage serves
   * any more, of an API deleted or a route taken out. Called a while after a change, once the
   * requests that started before it are done, so that series do not pile up with deployments.
   */
  public void retainRoutes(java.util.Set<RouteLabels> served) {
    routes.entrySet().removeIf(e -> {
      if (served.contains(e.getKey()) || e.getValue() == unrouted) {
        return false;
      }
      e.getValue().remove();
      return true;
    });
  }

  /** The meters of requests answered before a route was chosen: every label is {@value #UNROUTED}. */
  public RouteMetrics unrouted() {
    return unrouted;
  }

  /** {@code store}, timed and with its failures counted, labelled with its {@code type} ({@code local}, {@code redis}...). */
  public CounterStore timed(String type, CounterStore store) {
    return new TimedCounterStore(store, type, registry);
  }

  /** The Prometheus text of every meter, rendered on a worker: with many routes it is not a few microseconds. */
  public Future<String> scrape(Vertx vertx) {
    return vertx.executeBlocking(registry::scrape, false);
  }

  /** The registry itself, for tests and for meters bound elsewhere. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  private static Duration[] millis(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(Math.round(values[i] * 1_000_000));
    }
    return out;
  }
}
