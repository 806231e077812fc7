package dev.portico.gateway.proxy;

import dev.portico.gateway.pipeline.Exchange;
import dev.portico.gateway.pipeline.UpstreamResponse;
import dev.portico.spi.GatewayRequest;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.TrustOptions;
import io.vertx.core.streams.ReadStream;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a request to an HTTP backend and hands back its response head with the body as a paused
 * stream, so that bodies flow through with back-pressure in both directions and are never held
 * whole in memory.
 *
 * <p>Written on Vert.x's {@code HttpClient} rather than {@code vertx-http-proxy}: the pipeline
 * runs policies between the request head and the call, decides per request whether bodies are
 * buffered, builds the backend URI from a per-stage template, and maps every failure to exactly one
 * status of the contract (502, 504, 413); doing that through the proxy's interceptor chain cost
 * more code than this class, and an extra future per interceptor per request.
 */
public final class HttpIntegration implements Integration {

  private static final Handler<Throwable> IGNORE = failure -> {};

  private final String originKey;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String authority;
  private final UriTemplate path;
  private final String query; // the URI template's own query, without '?', or null
  private final long timeoutMillis;
  private final long maxBodySize;
  private final TrustOptions trust;

  /**
   * @param path the path part of the integration URI (templated)
   * @param query the query of the integration URI, or null
   * @param maxBodySize the largest request body streamed on (413 beyond); 0 = no limit
   */
  public HttpIntegration(String scheme, String host, int port, UriTemplate path, String query,
      long timeoutMillis, long maxBodySize, TrustOptions trust, String trustKey) {
    this.ssl = "https".equals(scheme);
    this.host = host;
    this.port = port;
    boolean defaultPort = ssl ? port == 443 : port == 80;
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    this.authority = defaultPort ? h : h + ":" + port;
    this.originKey = scheme + "://" + h + ":" + port + (trustKey == null ? "" : "#" + trustKey);
    this.path = path;
    this.query = query == null || query.isEmpty() ? null : query;
    this.timeoutMillis = timeoutMillis;
    this.maxBodySize = maxBodySize;
    this.trust = trust;
  }

  String originKey() {
    return originKey;
  }

  boolean ssl() {
    return ssl;
  }

  TrustOptions trust() {
    return trust;
  }

  @Override
  public Future<UpstreamResponse> call(Exchange exchange, Upstreams upstreams) {
    HttpServerRequest in = exchange.serverRequest();
    GatewayRequest out = exchange.outboundOrNull();

    MultiMap headers = HttpHeaders.headers();
    if (out == null) {
      HopByHop.copy(in.headers(), headers, true);
    } else {
      HopByHop.copy(out.headers(), headers, true);
    }
    headers.set(HttpHeaders.HOST, authority);
    headers.set("X-Forwarded-For", exchange.forwardedFor());
    headers.set("X-Forwarded-Proto", in.isSSL() ? "https" : "http");
    String clientHost = in.getHeader(HttpHeaders.HOST);
    if (clientHost != null) {
      headers.set("X-Forwarded-Host", clientHost);
    }
    headers.set("X-Request-Id", exchange.requestId());

    Buffer body = null;
    boolean streamBody = false;
    if (out != null && out.body() != null) {
      body = out.body();
      headers.remove(HttpHeaders.TRANSFER_ENCODING);
      headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
    } else {
      streamBody = Bodies.hasBody(in);
    }

    RequestOptions options = new RequestOptions()
        .setMethod(out == null ? in.method() : HttpMethod.valueOf(out.method()))
        .setHost(host)
        .setPort(port)
        .setSsl(ssl)
        .setURI(uri(exchange, in, out))
        .setHeaders(headers)
        .setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis);

    Buffer fixedBody = body;
    boolean stream = streamBody;
    return upstreams.client(this).request(options)
        .compose(request -> {
          // failures reach the pipeline through the response future; without a handler Vert.x
          // would also log each one at ERROR
          request.exceptionHandler(IGNORE);
          // the client went away: abandon the backend exchange so its connection is not left half-read
          in.response().closeHandler(v -> request.reset());
          if (in.response().closed()) {
            // gone while the backend connection was being set up: the handler above came too late
            request.reset();
            return Future.failedFuture(new GatewayFailure(499, "Client Closed Request", null));
          }
          exchange.upstreamStarted(System.nanoTime());
          Future<HttpClientResponse> sent;
          if (fixedBody != null) {
            sent = request.send(fixedBody);
          } else if (stream) {
            sent = streamBody(exchange, request, in);
          } else {
            sent = request.send();
          }
          return sent.map(response -> {
            response.pause();
            exchange.upstreamAnswered(System.nanoTime());
            MultiMap responseHeaders = HttpHeaders.headers();
            HopByHop.copy(response.headers(), responseHeaders, false);
            ReadStream<Buffer> responseBody = new ResponseBodyTimeout(exchange.vertx(), response, timeoutMillis,
                () -> request.reset(0, new TimeoutException("the backend sent nothing for " + timeoutMillis + " ms")));
            return new UpstreamResponse(response.statusCode(), responseHeaders, null, responseBody,
                () -> resetQuietly(request));
          });
        })
        .recover(failure -> Future.failedFuture(classify(failure)));
  }

  /**
   * Streams the client's body to the backend.
   *
   * <p>Not {@code request.send(stream)}: its pipe <em>ends</em> the backend request when the body
   * fails (over the limit, client gone), so a truncated body would reach the backend looking
   * complete. Here the backend request is reset instead, and the response future fails with the
   * body's own failure (a 413 stays a 413).
   *
   * <p>Vert.x's idle timeout counts only what the backend sends, so a body that takes longer to
   * upload than the integration timeout would end in a 504 while the backend is busy reading it.
   * Each chunk passed on re-arms it: the timeout bounds how long the exchange makes no progress,
   * and once the body is sent, how long the backend takes to answer.
   */
  private Future<HttpClientResponse> streamBody(Exchange exchange, HttpClientRequest request, HttpServerRequest in) {
    if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      request.setChunked(true);
    }
    exchange.bodyTaken();
    long[] armedAt = {System.nanoTime()};
    Runnable progress = () -> {
      // re-arming is a timer cancelled and another scheduled: once a millisecond is precise enough
      long now = System.nanoTime();
      if (now - armedAt[0] >= 1_000_000) {
        armedAt[0] = now;
        request.idleTimeout(timeoutMillis);
      }
    };
    Bodies.limited(in, maxBodySize, progress)
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

  private String uri(Exchange exchange, HttpServerRequest in, GatewayRequest out) {
    String p = out != null && out.pathOverride() != null ? out.pathOverride() : path.render(exchange.pathParams());
    String clientQuery;
    if (out == null) {
      clientQuery = in.query();
    } else {
      clientQuery = encode(out.query());
    }
    if (query == null && (clientQuery == null || clientQuery.isEmpty())) {
      return p;
    }
    StringBuilder sb = new StringBuilder(p.length() + 64).append(p).append('?');
    if (query != null) {
      sb.append(path.paramNames().isEmpty() ? query : UriTemplate.parse(query).render(exchange.pathParams()));
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
    return new GatewayFailure(502, "Bad Gateway", failure);
  }

  @Override
  public String toString() {
    return originKey + path;
  }
}
