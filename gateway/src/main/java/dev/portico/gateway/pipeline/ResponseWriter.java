package dev.portico.gateway.pipeline;

import dev.portico.gateway.proxy.HopByHop;
import dev.portico.gateway.proxy.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;

/**
 * Writes a request's response to the client and counts it, once: the backend's response as the
 * integration gave it (the fast path), or the one the transformers left or the gateway's error, its
 * body from a buffer or streamed with back-pressure; or a 408 when the request body is late.
 *
 * <p>Apart from {@link Pipeline} because every way a request ends comes through here, also when the
 * response can no longer be written (499, or answered by the connection's guard): the route's
 * metrics and the access-log line are written in one place, and never twice.
 */
final class ResponseWriter {

  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");
  /** nginx's status for a request whose client went away before its response. */
  static final int CLIENT_CLOSED_REQUEST = 499;

  private final ServingContext serving;
  private final AccessLog accessLog;
  private final ClosingConnections closing;
  private final BodyHandling bodies;

  ResponseWriter(ServingContext serving, AccessLog accessLog, ClosingConnections closing, BodyHandling bodies) {
    this.serving = serving;
    this.accessLog = accessLog;
    this.closing = closing;
    this.bodies = bodies;
  }

  /** The fast path: no transformer will look at the response, so it goes out as the integration gave it. */
  void sendUpstream(Exchange ex, UpstreamResponse up) {
    HttpServerResponse resp = ex.request.response();
    if (resp.ended() || resp.closed()) {
      up.cancel().run();
      answeredElsewhereOrGone(ex, resp);
      return;
    }
    resp.setStatusCode(up.status());
    MultiMap headers = resp.headers();
    HopByHop.copy(up.headers(), headers, false);
    headers.set(X_REQUEST_ID, ex.requestId);
    if (ex.rateLimitHeaders != null) {
      RateLimitHeaders.write(headers, ex.rateLimitHeaders);
    }
    Future<Void> sent;
    if (up.stream() != null) {
      sent = stream(ex, up.stream(), resp);
    } else {
      Buffer body = up.body() == null ? Buffer.buffer() : up.body();
      headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
      sent = resp.end(body);
    }
    whenSent(ex, resp, sent);
  }

  /** Writes the response: head, rate-limit headers, and the body from its buffer or its stream. */
  void send(Exchange ex) {
    OutboundResponse r = ex.response;
    HttpServerResponse resp = ex.request.response();
    if (resp.ended() || resp.closed()) {
      answeredElsewhereOrGone(ex, resp);
      return;
    }
    resp.setStatusCode(r.status());
    MultiMap headers = resp.headers();
    headers.setAll(r.headers());
    headers.set(X_REQUEST_ID, ex.requestId);
    if (ex.rateLimitHeaders != null) {
      RateLimitHeaders.write(headers, ex.rateLimitHeaders);
    }
    bodies.settleRequestBody(ex);
    Future<Void> sent;
    if (r.stream() != null) {
      sent = stream(ex, r.stream(), resp);
    } else {
      Buffer body = r.body() == null ? Buffer.buffer() : r.body();
      headers.remove(HttpHeaders.TRANSFER_ENCODING);
      if (!headers.contains(HttpHeaders.CONTENT_LENGTH) || r.fromGateway() || bodyChanged(r)) {
        headers.set(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length()));
      }
      sent = resp.end(body);
    }
    whenSent(ex, resp, sent);
  }

  /** Once the response is sent (or abandoned): the route's metrics and the access log. */
  private void whenSent(Exchange ex, HttpServerResponse resp, Future<Void> sent) {
    sent.onComplete(ar -> served(ex, resp.getStatusCode(), ar.succeeded()));
  }

  private void served(Exchange ex, int status, boolean completed) {
    if (ex.counted) {
      return;
    }
    ex.counted = true;
    if (ex.bodyDeadline != null) {
      ex.bodyDeadline.disarm();
    }
    long upstream = ex.upstreamStartNanos > 0 && ex.upstreamHeadNanos > 0 ? ex.upstreamHeadNanos - ex.upstreamStartNanos : -1;
    Pipeline.metricsOf(serving, ex.route).served(status, System.nanoTime() - ex.startNanos, upstream);
    if (ex.active.accessLog() && accessLog.enabled()) {
      accessLog.log(ex, status, completed);
    }
  }

  /**
   * The response can no longer be written: the client went away before it (logged and counted as
   * 499, as nginx does), or the connection's guard already answered it (a malformed chunked body:
   * counted with the status it got). Either way once, and never as a backend failure.
   */
  void answeredElsewhereOrGone(Exchange ex, HttpServerResponse resp) {
    served(ex, resp.ended() ? resp.getStatusCode() : CLIENT_CLOSED_REQUEST, false);
  }

  /**
   * {@code server.bodyTimeout} ran out before the request body arrived in full (a client trickling
   * it, or gone quiet): 408 and the connection closed, wherever the request was — waiting on a
   * policy, buffering the body, or streaming it to the backend (whose exchange is then reset as the
   * connection closes). The request's own flow finds the response ended and stops there.
   */
  void bodyTimedOut(Exchange ex) {
    HttpServerRequest req = ex.request;
    HttpServerResponse resp = req.response();
    if (req.isEnded() || resp.ended()) {
      return;
    }
    if (resp.headWritten() || resp.closed()) {
      req.connection().close(); // a response under way cannot become a 408: cut it
      return;
    }
    resp.setStatusCode(408);
    resp.headers().set(HttpHeaders.CONTENT_TYPE, GatewayError.CONTENT_TYPE).set(X_REQUEST_ID, ex.requestId);
    closing.closeAfterResponse(req);
    whenSent(ex, resp, resp.end(GatewayError.body(408, GatewayError.reason(408), ex.requestId)));
    if (ex.cancelUpstream != null) {
      ex.cancelUpstream.run(); // the body streaming to the backend will never end: stop the backend request
    }
  }

  /**
   * Streams the backend's body to the client with back-pressure.
   *
   * <p>Not {@code resp.send(stream)}: its pipe <em>ends</em> the response when the source fails, so
   * a chunked body cut short by the backend would look complete to the client. Here a failure on
   * either side resets the client's connection (a body cut short is seen as one) and abandons the
   * backend exchange (a client gone mid-download stops the backend's transfer).
   */
  private static Future<Void> stream(Exchange ex, ReadStream<Buffer> body, HttpServerResponse resp) {
    if (!resp.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      resp.setChunked(true);
    }
    Future<Void> piped = body.pipe().endOnFailure(false).to(resp);
    piped.onFailure(e -> {
      resp.reset();
      if (ex.cancelUpstream != null) {
        ex.cancelUpstream.run();
      }
    });
    return piped;
  }

  private static boolean bodyChanged(OutboundResponse r) {
    String length = r.headers().get(HttpHeaders.CONTENT_LENGTH);
    return length == null || r.body() != null && BodyHandling.parseLength(length) != r.body().length();
  }
}
