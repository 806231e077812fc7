package dev.portico.gateway.upstream;

import dev.portico.gateway.config.UpstreamDefinition.ActiveChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.TrustOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks of one upstream: every {@code interval}, a {@code GET path} to each
 * target, answered within {@code timeout} with one of {@code statuses} or counted as bad. A
 * target is marked down after {@code unhealthyAfter} bad probes in a row, and up again only after
 * {@code healthyAfter} good ones, so a target that recovers always comes back.
 *
 * @implNote Probes use a client of their own, with no keep-alive: each probe opens a connection as
 *     a new client would (a pooled connection could stay open to a process that accepts nothing
 *     new), and none of them takes a connection from the pools that serve requests. Outcomes are
 *     recorded under the target's health lock: probe callbacks may run on any event loop.
 */
final class ActiveProber {

  private static final Logger log = LoggerFactory.getLogger(ActiveProber.class);

  private final Vertx vertx;
  private final Upstream upstream;
  private final ActiveChecks checks;
  private final HttpClient client;
  private final long timer;

  ActiveProber(Vertx vertx, Upstream upstream, TrustOptions trust) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.checks = upstream.definition().active();
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(false)
        .setConnectTimeout((int) Math.max(1, checks.timeout().toMillis()))
        .setVerifyHost(true);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(Math.max(2, upstream.size())));
    long interval = Math.max(1, checks.interval().toMillis());
    this.timer = vertx.setPeriodic(1, interval, id -> probeAll());
  }

  private void probeAll() {
    for (int i = 0; i < upstream.size(); i++) {
      Upstream.Target target = upstream.target(i);
      TargetHealth health = target.health;
      synchronized (health) {
        if (health.probing) {
          continue; // the last probe has not ended yet: its timeout will count it
        }
        health.probing = true;
      }
      probe(target).onComplete(ar -> record(target, ar.succeeded() && checks.healthy(ar.result()),
          ar.succeeded() ? "status " + ar.result() : describe(ar.cause())));
    }
  }

  private Future<Integer> probe(Upstream.Target target) {
    var t = target.definition();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(t.host())
        .setPort(t.port())
        .setSsl(t.scheme().equals("https"))
        .setURI(checks.path())
        .putHeader(HttpHeaders.USER_AGENT, "portico-health-check");
    return client.request(options)
        .compose(request -> request.send()
            .compose(response -> response.body().map(body -> response.statusCode()))
            .timeout(checks.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .onFailure(e -> request.reset()))
        .timeout(checks.timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void record(Upstream.Target target, boolean good, String what) {
    TargetHealth health = target.health;
    synchronized (health) {
      health.probing = false;
      if (good) {
        health.probeFailures = 0;
        health.probeSuccesses++;
        if (health.activeDown() && health.probeSuccesses >= checks.healthyAfter()) {
          health.markedUp(checks.healthyAfter() + " good health checks in a row");
          log.info("{}: target {} is healthy again ({} good health checks in a row)", upstream, target.url(),
              checks.healthyAfter());
        }
      } else {
        health.probeSuccesses = 0;
        health.probeFailures++;
        if (!health.activeDown() && health.probeFailures >= checks.unhealthyAfter()) {
          String why = checks.unhealthyAfter() + " failed health checks in a row (last: " + what + ")";
          health.markedDown(why);
          log.warn("{}: target {} marked unhealthy after {}", upstream, target.url(), why);
        }
      }
    }
  }

  private static String describe(Throwable failure) {
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return "no answer in time";
    }
    if (failure instanceof java.net.ConnectException) {
      return "cannot connect: " + failure.getMessage(); // "Connection refused: /10.0.0.5:8080"
    }
    return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
  }

  void close() {
    vertx.cancelTimer(timer);
    client.close();
  }
}
