package dev.portico.gateway.server;

import dev.portico.gateway.pipeline.GatewayError;
import dev.portico.gateway.proxy.RequestIds;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers what the HTTP decoder could not parse with the gateway's JSON error: 431 for headers over
 * {@code server.maxHeaderSize}, 414 for an over-long request line, 400 for the rest (including the
 * {@link SmugglingGuard}'s refusals). The connection is closed after the response.
 */
final class InvalidRequests {

  private InvalidRequests() {}

  static void handle(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = GatewayError.reason(431);
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = GatewayError.reason(414);
    } else if (cause instanceof TooLongFrameException) {
      status = 431;
      message = GatewayError.reason(431);
    } else if (cause != null && (SmugglingGuard.MESSAGE.equals(cause.getMessage())
        || SmugglingGuard.UNKNOWN_LENGTH.equals(cause.getMessage()))) {
      status = 400;
      message = cause.getMessage();
    } else {
      status = 400;
      message = cause == null || cause.getMessage() == null ? GatewayError.reason(400) : "Bad Request: " + cause.getMessage();
    }
    answer(request, status, message);
  }

  /** The gateway's JSON error with {@code Connection: close}; the connection is closed once it is sent. */
  static void answer(HttpServerRequest request, int status, String message) {
    send(request, status, message).onComplete(ar -> request.connection().close());
  }

  /** The gateway's JSON error with {@code Connection: close}, leaving the connection to the caller. */
  static Future<Void> send(HttpServerRequest request, int status, String message) {
    String requestId = RequestIds.create();
    HttpServerResponse response = request.response();
    return response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, GatewayError.CONTENT_TYPE)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .putHeader("X-Request-Id", requestId)
        .end(GatewayError.body(status, message, requestId));
  }
}
