package dev.portico.gateway.proxy;

import dev.portico.gateway.config.UpstreamDefinition.Retries;
import dev.portico.gateway.upstream.CircuitBreaker;
import dev.portico.gateway.upstream.Outcome;
import dev.portico.gateway.upstream.Upstream;
import dev.portico.spi.Rejection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;

/**
 * One request to an upstream: a target chosen per try, the circuit breaker asked first, each
 * try's outcome reported to the passive health checks, and failed tries repeated as the upstream's
 * {@code retries} allow.
 *
 * <p>The retry rules, so that nothing is ever done twice that a client did not ask twice for:
 * <ul>
 *   <li>a try that got no connection sent nothing: any method may go again;</li>
 *   <li>a try that reached a target goes again only for an idempotent method (GET, HEAD,
 *       OPTIONS, PUT, DELETE);</li>
 *   <li>a request body goes again only if it is held in memory: a policy buffered it, or it has a
 *       {@code Content-Length} up to {@code retries.maxBodySize} and is read before the first try;
 *       any other body streams to the first target and is never sent again;</li>
 *   <li>the integration's {@code timeout} bounds all tries and their backoff together; each try
 *       has at most {@code perTryTimeout} of it, and running out counts as {@code 504}.</li>
 * </ul>
 * Each retry goes to a target the request has not tried when there is one.
 */
final class BalancedCall {

  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

  private final HttpIntegration integration;
  private final ForwardedRequest exchange;
  private final BackendClients clients;
  private final Upstream upstream;
  private final Retries retries;
  private final HttpMethod method;
  private final String uri;
  private Buffer body;
  private boolean stream;
  private final long deadlineNanos;
  private final Promise<UpstreamResponse> result = Promise.promise();
  private final int[] tried;
  private int tries;
  private String hashKey;
  private CircuitBreaker breaker;

  BalancedCall(HttpIntegration integration, ForwardedRequest exchange, BackendClients clients, HttpMethod method,
      String uri, Buffer fixedBody, boolean stream) {
    this.integration = integration;
    this.exchange = exchange;
    this.clients = clients;
    this.upstream = integration.upstream();
    this.retries = upstream.definition().retries();
    this.method = method;
    this.uri = uri;
    this.body = fixedBody;
    this.stream = stream;
    this.deadlineNanos = System.nanoTime() + integration.timeoutMillis() * 1_000_000L;
    this.tried = new int[retries == null ? 1 : retries.count() + 1];
  }

  Future<UpstreamResponse> start() {
    try {
      hashKey = upstream.hashKey(exchange.context());
    } catch (Rejection required) {
      return Future.failedFuture(required);
    }
    int first = upstream.choose(hashKey);
    if (first < 0) {
      return Future.failedFuture(GatewayFailure.unavailable("no healthy target in upstream '" + upstream.name() + "'",
          upstream.retryAfterSeconds()));
    }
    CircuitBreaker b = upstream.breaker();
    if (b != null) {
      long now = nowMillis();
      if (!b.tryAcquire(now)) {
        return Future.failedFuture(GatewayFailure.unavailable("the circuit breaker of upstream '" + upstream.name() + "' is open",
            (b.millisUntilHalfOpen(now) + 999) / 1000));
      }
      breaker = b;
    }
    if (stream && replayableBodySize() >= 0) {
      // small enough to hold: read it first, so that a retry can send it again
      exchange.bodyTaken();
      HttpServerRequest in = exchange.serverRequest();
      Future<Buffer> read = in.body();
      in.resume(); // the pipeline paused it until someone asks for the body
      read.onComplete(ar -> {
        if (ar.failed()) {
          finish(Future.failedFuture(new GatewayFailure(499, "Client Closed Request", ar.cause())), null);
        } else {
          body = ar.result();
          stream = false;
          tryAt(first);
        }
      });
    } else {
      tryAt(first);
    }
    return result.future();
  }

  /** The body's length when it may be held for retries, else -1. */
  private long replayableBodySize() {
    if (retries == null || retries.count() == 0) {
      return -1;
    }
    String length = exchange.serverRequest().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return -1; // chunked: its size is known only once read; it streams
    }
    try {
      long n = Long.parseLong(length.trim());
      return n <= retries.maxBodySize() ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void tryAt(int target) {
    tried[tries++] = target;
    long leftMillis = (deadlineNanos - System.nanoTime()) / 1_000_000L;
    if (leftMillis <= 0) {
      finish(Future.failedFuture(new GatewayFailure(504, "Gateway Timeout", null)), null);
      return;
    }
    long tryMillis = retries != null && retries.perTryTimeout() != null
        ? Math.min(retries.perTryTimeout().toMillis(), leftMillis) : leftMillis;
    upstream.started(target);
    integration.send(exchange, clients, integration.target(target), method, uri, body, stream, tryMillis)
        .onComplete(ar -> {
          Outcome outcome = outcome(ar);
          upstream.finished(target, outcome);
          if (shouldRetry(ar, outcome)) {
            if (ar.succeeded()) {
              ar.result().cancel().run(); // a 502/503/504 answer nobody will read
            }
            upstream.retried();
            long backoff = retries.backoff().toMillis();
            if (backoff > 0) {
              clients.vertx().setTimer(backoff, id -> retry(ar, outcome));
            } else {
              retry(ar, outcome);
            }
          } else {
            finish(ar, outcome);
          }
        });
  }

  private void retry(AsyncResult<UpstreamResponse> last, Outcome lastOutcome) {
    if (exchange.serverRequest().response().closed()) {
      finish(Future.failedFuture(new GatewayFailure(499, "Client Closed Request", null)), null);
      return;
    }
    int next = upstream.choose(hashKey, tried, tries);
    if (next < 0) {
      finish(last.succeeded() ? Future.failedFuture(new GatewayFailure(last.result().status(), "Bad Gateway", null)) : last,
          lastOutcome);
      return;
    }
    tryAt(next);
  }

  /** How the try ended for the target's health; null when the client, not the target, ended it. */
  private static Outcome outcome(AsyncResult<UpstreamResponse> ar) {
    if (ar.succeeded()) {
      return Outcome.ofStatus(ar.result().status());
    }
    if (!(ar.cause() instanceof GatewayFailure g)) {
      return Outcome.RESET;
    }
    if (g.beforeSending()) {
      return Outcome.CONNECT_FAILURE;
    }
    return switch (g.status()) {
      case 504 -> Outcome.TIMEOUT;
      case 502 -> Outcome.RESET;
      default -> null; // 499, 413: the client's doing
    };
  }

  private boolean shouldRetry(AsyncResult<UpstreamResponse> ar, Outcome outcome) {
    if (retries == null || tries > retries.count() || stream) {
      return false;
    }
    String condition;
    if (ar.succeeded()) {
      condition = Integer.toString(ar.result().status());
    } else if (outcome == null) {
      return false;
    } else {
      condition = switch (outcome) {
        case CONNECT_FAILURE -> "connect-failure";
        case RESET -> "reset";
        case TIMEOUT -> "504";
        default -> outcome.label();
      };
    }
    if (!retries.on().contains(condition)) {
      return false;
    }
    if (outcome != Outcome.CONNECT_FAILURE && !IDEMPOTENT.contains(method)) {
      return false; // it reached a target: sending it again could do it twice
    }
    return System.nanoTime() + retries.backoff().toNanos() - deadlineNanos < 0;
  }

  private void finish(AsyncResult<UpstreamResponse> ar, Outcome outcome) {
    if (breaker != null) {
      breaker.record(outcome == null || !outcome.failure(), nowMillis());
      breaker = null;
    }
    if (ar.succeeded()) {
      result.complete(ar.result());
    } else {
      result.fail(ar.cause());
    }
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000L;
  }
}
