package dev.portico.gateway.proxy;

import dev.portico.gateway.upstream.Upstream;
import dev.portico.spi.GatewayRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards a request to an HTTP backend (one URL, or a target of an upstream chosen per try by
 * {@link BalancedCall}) and hands back its response head with the body as a paused stream, so that
 * bodies flow through with back-pressure in both directions and are never held whole in memory.
 * A body that then stands still for {@code idleTimeout} is cut ({@link IdleWatchedBody}).
 *
 * <p>Written on Vert.x's {@code HttpClient} rather than {@code vertx-http-proxy}: the pipeline
 * runs policies between the request head and the call, decides per request whether bodies are
 * buffered, builds the backend URI from a per-stage template, and maps every failure to exactly one
 * status of docs/CONFIGURATION.md section 15 (502, 504, 413); doing that through the proxy's interceptor chain cost
 * more code than this class, and an extra future per interceptor per request.
 */
public final class HttpIntegration implements Integration {

  private static final Logger log = LoggerFactory.getLogger(HttpIntegration.class);
  private static final Handler<Throwable> IGNORE = failure -> {};
  private static final String UNWRITABLE = "the request line or a header could not be written to the backend";
  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  private static final CharSequence HTTP = HttpHeaders.createOptimized("http");
  private static final CharSequence HTTPS = HttpHeaders.createOptimized("https");

  private final UriTemplate path;
  private final UriTemplate query; // the URI template's own query, without '?', or null
  private final long timeoutMillis;
  private final long idleTimeoutMillis;
  private final long maxBodySize;
  /** The one backend of a URL integration; null for an upstream's. */
  private final BackendOrigin origin;
  /** The upstream of an {@code lb://} integration, and its targets' origins by index; null for a URL's. */
  private final Upstream upstream;
  private final BackendOrigin[] targets;

  private HttpIntegration(BackendOrigin origin, Upstream upstream, BackendOrigin[] targets, UriTemplate path, String query,
      long timeoutMillis, long idleTimeoutMillis, long maxBodySize) {
    this.origin = origin;
    this.upstream = upstream;
    this.targets = targets;
    this.path = path;
    this.query = query == null || query.isEmpty() ? null : UriTemplate.parse(query);
    this.timeoutMillis = timeoutMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.maxBodySize = maxBodySize;
  }

  /**
   * Forwards to one backend.
   *
   * @param path the path part of the integration URI (templated)
   * @param query the query of the integration URI, or null
   * @param maxBodySize the largest request body streamed on (413 beyond); 0 = no limit
   */
  public static HttpIntegration toUrl(BackendOrigin origin, UriTemplate path, String query, long timeoutMillis,
      long idleTimeoutMillis, long maxBodySize) {
    return new HttpIntegration(origin, null, null, path, query, timeoutMillis, idleTimeoutMillis, maxBodySize);
  }

  /**
   * Forwards to a target of an upstream, chosen per try.
   *
   * @param targets the origin of each of the upstream's targets, by index
   */
  public static HttpIntegration toUpstream(Upstream upstream, BackendOrigin[] targets, UriTemplate path, String query,
      long timeoutMillis, long idleTimeoutMillis, long maxBodySize) {
    return new HttpIntegration(null, upstream, targets.clone(), path, query, timeoutMillis, idleTimeoutMillis, maxBodySize);
  }

  long timeoutMillis() {
    return timeoutMillis;
  }

  long maxBodySize() {
    return maxBodySize;
  }

  Upstream upstream() {
    return upstream;
  }

  BackendOrigin target(int i) {
    return targets[i];
  }

  @Override
  public Future<UpstreamResponse> call(ForwardedRequest exchange, BackendClients clients) {
    HttpServerRequest in = exchange.serverRequest();
    GatewayRequest out = exchange.outboundOrNull();
    Buffer fixedBody = out != null ? out.body() : null;
    boolean stream = fixedBody == null && Bodies.hasBody(in);

    String uri = uri(exchange, in, out);
    if (out != null && out.pathOverride() != null && !HttpUtil.isEncodingSafeStartLineToken(uri)) {
      // A transformer's path with a space, CR or LF: Netty would refuse the request line only once
      // a backend connection holds the request, and leave that exchange open.
      return Future.failedFuture(new GatewayFailure(502, "Bad Gateway", new IllegalArgumentException(UNWRITABLE)));
    }
    HttpMethod method = out == null ? in.method() : HttpMethod.valueOf(out.method());
    if (upstream != null) {
      return new BalancedCall(this, exchange, clients, method, uri, fixedBody, stream).start();
    }
    return send(exchange, clients, origin, method, uri, fixedBody, stream, timeoutMillis);
  }

  /**
   * One try: sends the request to {@code to} and completes with its response head, or fails with
   * a {@link GatewayFailure} ({@link GatewayFailure#beforeSending} when no connection could be had).
   *
   * @param fixedBody the body to send, or null
   * @param stream whether to stream the client's body instead (it can be sent once only)
   * @param tryMillis how long the backend has for its response head (504 after)
   */
  Future<UpstreamResponse> send(ForwardedRequest exchange, BackendClients clients, BackendOrigin to, HttpMethod method,
      String uri, Buffer fixedBody, boolean stream, long tryMillis) {
    HttpServerRequest in = exchange.serverRequest();
    GatewayRequest out = exchange.outboundOrNull();
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(to.host())
        .setPort(to.port())
        .setSsl(to.ssl())
        .setURI(uri);

    // the deadline answers 504 by itself: also while no backend connection exists yet
    Promise<UpstreamResponse> result = Promise.promise();
    Deadlines.Entry deadline = clients.deadlines().arm(tryMillis,
        () -> result.tryFail(new GatewayFailure(504, "Gateway Timeout", null)));
    exchange.upstreamStarted(System.nanoTime());
    clients.client(to).request(options)
        .compose(request -> {
          deadline.request(request);
          exchange.backendExchange(() -> resetQuietly(request));
          // failures reach the pipeline through the response future; without a handler Vert.x
          // would also log each one at ERROR
          request.exceptionHandler(IGNORE);
          // headers go straight into the request: one copy, hop-by-hop ones left out
          MultiMap headers = request.headers();
          if (out == null) {
            exchange.copyClientHeaders(headers);
          } else {
            HopByHop.copy(out.headers(), headers, true); // filtered when transformers got their copy
          }
          headers.set(HttpHeaders.HOST, to.authority());
          headers.set(X_FORWARDED_FOR, exchange.forwardedFor());
          headers.set(X_FORWARDED_PROTO, in.isSSL() ? HTTPS : HTTP);
          String clientHost = in.getHeader(HttpHeaders.HOST);
          if (clientHost != null) {
            headers.set(X_FORWARDED_HOST, clientHost);
          }
          headers.set(X_REQUEST_ID, exchange.requestId());
          // the client went away: abandon the backend exchange so its connection is not left half-read
          in.response().closeHandler(v -> resetQuietly(request));
          if (in.response().closed() || in.response().ended()) {
            // gone (or answered by the connection's guard: a malformed or late body) while the
            // backend connection was being set up: the handler above came too late
            resetQuietly(request);
            return Future.failedFuture(new GatewayFailure(499, "Client Closed Request", null));
          }
          Future<HttpClientResponse> sent;
          if (fixedBody != null) {
            headers.remove(HttpHeaders.TRANSFER_ENCODING);
            headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(fixedBody.length()));
            sent = request.send(fixedBody);
          } else if (stream) {
            sent = streamBody(exchange, request, in);
          } else {
            sent = request.send();
          }
          return sent.map(response -> {
            deadline.disarm();
            response.pause();
            exchange.upstreamAnswered(System.nanoTime());
            Deadlines.IdleWatch idle = clients.deadlines().watchIdle(idleTimeoutMillis, () -> idled(exchange, to, request));
            return new UpstreamResponse(response.statusCode(), response.headers(), null,
                new IdleWatchedBody(response, idle), () -> {
                  idle.stop();
                  try {
                    // the reset comes back as the response's failure: expected here, not an unhandled ERROR
                    response.exceptionHandler(ignored -> {});
                  } catch (IllegalStateException ended) {
                    // Already read to its end (a transformer buffered it, then failed): nothing to
                    // cancel, and throwing here would leave the client without an answer.
                    return;
                  }
                  resetQuietly(request);
                });
          });
        })
        .onComplete(ar -> {
          deadline.disarm();
          if (ar.failed()) {
            result.tryFail(deadline.expired() ? new GatewayFailure(504, "Gateway Timeout", ar.cause())
                : deadline.connected() ? classify(ar.cause()) : GatewayFailure.connectFailure(ar.cause()));
          } else if (!result.tryComplete(ar.result())) {
            ar.result().cancel().run(); // answered after the client already got its 504
          }
        });
    return result.future();
  }

  /** The backend sent nothing for {@code idleTimeout} while its body streamed: cut it, and with it the client's response. */
  private void idled(ForwardedRequest exchange, BackendOrigin to, HttpClientRequest request) {
    log.warn("{} {}: the backend {} sent nothing for {} ms while its response body streamed (idleTimeout):"
        + " its connection and the client's are cut, the response truncated", exchange.requestId(), this, to.authority(),
        idleTimeoutMillis);
    resetQuietly(request);
  }

  /**
   * Streams the client's body to the backend.
   *
   * <p>Not {@code request.send(stream)}: its pipe <em>ends</em> the backend request when the body
   * fails (over the limit, client gone), so a truncated body would reach the backend looking
   * complete. Here the backend request is reset instead, and the response future fails with the
   * body's own failure (a 413 stays a 413).
   */
  private Future<HttpClientResponse> streamBody(ForwardedRequest exchange, HttpClientRequest request, HttpServerRequest in) {
    if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      request.setChunked(true);
    }
    exchange.bodyTaken();
    Bodies.limited(in, maxBodySize)
        .pipe()
        .endOnFailure(false)
        .to(request)
        .onFailure(failure -> {
          request.exceptionHandler(IGNORE); // the pipe's handler is gone; the response future reports it
          request.reset(0, failure);
        });
    return request.response().recover(failure -> Future.failedFuture(
        failure instanceof StreamResetException reset && reset.getCause() != null ? reset.getCause() : failure));
  }

  private String uri(ForwardedRequest exchange, HttpServerRequest in, GatewayRequest out) {
    String p = out != null && out.pathOverride() != null ? out.pathOverride() : path.render(exchange.pathParams());
    String clientQuery;
    if (out == null) {
      clientQuery = exchange.query();
    } else {
      clientQuery = encode(out.query());
    }
    if (query == null && (clientQuery == null || clientQuery.isEmpty())) {
      return p;
    }
    StringBuilder sb = new StringBuilder(p.length() + 64).append(p).append('?');
    if (query != null) {
      sb.append(query.render(exchange.pathParams()));
    }
    if (clientQuery != null && !clientQuery.isEmpty()) {
      if (query != null) {
        sb.append('&');
      }
      sb.append(clientQuery);
    }
    return sb.toString();
  }

  private static String encode(MultiMap query) {
    if (query.isEmpty()) {
      return null;
    }
    QueryStringEncoder encoder = new QueryStringEncoder("");
    for (Map.Entry<String, String> e : query) {
      encoder.addParam(e.getKey(), e.getValue());
    }
    String s = encoder.toString();
    return s.startsWith("?") ? s.substring(1) : s;
  }

  private static void resetQuietly(HttpClientRequest request) {
    try {
      request.reset();
    } catch (RuntimeException ignored) {
      // already ended or closed: nothing left to abandon
    }
  }

  static GatewayFailure classify(Throwable failure) {
    if (failure instanceof GatewayFailure g) {
      return g;
    }
    if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
      return new GatewayFailure(504, "Gateway Timeout", failure);
    }
    if (failure instanceof ConnectException) {
      return new GatewayFailure(502, "Bad Gateway", failure);
    }
    if (failure instanceof IllegalArgumentException) {
      // Netty and Vert.x refuse to write a request line or header they find unsafe, quoting it
      // ("The URI contain illegal characters: /a?api_key=..."); that message must not reach the log
      return new GatewayFailure(502, "Bad Gateway", new IllegalArgumentException(UNWRITABLE));
    }
    return new GatewayFailure(502, "Bad Gateway", failure);
  }

  @Override
  public String toString() {
    return (upstream != null ? "lb://" + upstream.name() : origin.key()) + path;
  }
}
