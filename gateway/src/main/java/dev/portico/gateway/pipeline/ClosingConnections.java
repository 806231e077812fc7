package dev.portico.gateway.pipeline;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.HashSet;
import java.util.Set;

/**
 * The client connections of one event loop that the gateway has decided to close after the
 * response in progress: their framing can no longer be trusted (a body left unread, a refused
 * chunked request), so a request pipelined behind it must never reach a backend.
 *
 * <p>Vert.x hands such a request over as soon as the previous response ends, whatever that
 * response's {@code Connection: close} says, so the pipeline asks {@link #isClosing} first. The set
 * is empty nearly always, which keeps that question free on the hot path.
 */
final class ClosingConnections {

  private final Set<HttpConnection> closing = new HashSet<>();

  /** Whether the request came on a connection that is being closed: it is then neither answered nor forwarded. */
  boolean isClosing(HttpServerRequest request) {
    return !closing.isEmpty() && closing.contains(request.connection());
  }

  /**
   * Marks the request's connection to be closed once the response now being written has been sent:
   * {@code Connection: close} on it, and no further request on the connection is served. Call it
   * before the response is ended.
   */
  void closeAfterResponse(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    HttpConnection connection = request.connection();
    closing.add(connection);
    response.endHandler(v -> connection.close());
  }

  /** Forgets a connection once it is closed (the listener calls this for every connection). */
  void closed(HttpConnection connection) {
    if (!closing.isEmpty()) {
      closing.remove(connection);
    }
  }
}
