package dev.portico.gateway.pipeline;

import dev.portico.gateway.plugin.PolicyHandle;
import dev.portico.gateway.proxy.Bodies;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a body other than streaming through: read into memory, bounded, when a
 * transformer asks for it (request or response), and, when the response starts, a request body
 * nobody read drained or its connection closed, so the next request on it is framed right.
 *
 * <p>Apart from {@link Pipeline} because every size rule for a body lives here: what a transformer
 * may read, {@code server.maxBodySize}, how much is drained rather than closed. (Reading the bytes is
 * {@link BoundedBody}'s job and {@code proxy.Bodies}' whether a request has a body at all.)
 */
final class BodyHandling {

  /** Logged under the pipeline's name, which operators filter the gateway's request problems by. */
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Future<Void> DONE = Future.succeededFuture();
  /** A rejected request's unread body up to this size is drained to keep the connection; above it the connection closes. */
  private static final long DRAIN_LIMIT = 64 * 1024;

  private final ClosingConnections closing;

  BodyHandling(ClosingConnections closing) {
    this.closing = closing;
  }

  /** Buffers the request body, bounded, when a transformer asked for it; otherwise it streams. */
  Future<Void> bufferRequestBody(Exchange ex) {
    if (ex.route.transformers.length == 0 || !Bodies.hasBody(ex.request)) {
      return DONE;
    }
    long limit;
    try {
      limit = askedBodyLimit(ex, true);
    } catch (PluginFailure bug) {
      return Future.failedFuture(bug);
    }
    if (limit <= 0) {
      return DONE;
    }
    long max = ex.active.maxBodySize() > 0 ? Math.min(limit, ex.active.maxBodySize()) : limit;
    OutboundRequest out = ex.outbound();
    ex.bodyConsumed = true;
    return BoundedBody.read(ex.request, max).map(body -> {
      out.bufferedBody(body);
      return null;
    });
  }

  /** Buffers the response body when a transformer asked for it; one over the limit passes through untouched. */
  Future<Void> bufferResponseBody(Exchange ex) {
    OutboundResponse r = ex.response;
    if (r.stream() == null) {
      return DONE;
    }
    long limit;
    try {
      limit = askedBodyLimit(ex, false);
    } catch (PluginFailure bug) {
      return Future.failedFuture(bug);
    }
    if (limit <= 0) {
      return DONE;
    }
    String length = r.headers().get(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseLength(length) > limit) {
      log.warn("{} response body of {} bytes is over the {} bytes a transformer reads: passed through untouched",
          ex.route, length, limit);
      return DONE;
    }
    long max = limit;
    return BoundedBody.readOrPassThrough(r.stream(), max).map(result -> {
      if (result.body() != null) {
        r.buffered(result.body());
      } else {
        log.warn("{} chunked response body over the {} bytes a transformer reads: passed through untouched", ex.route, max);
        r.replaceStream(result.passThrough());
      }
      return null;
    });
  }

  /**
   * The largest request (or response) body the route's transformers ask to read. These are plugin
   * hooks too: one that throws is a {@link PluginFailure}, not an escape from the pipeline (which
   * would leave the client without an answer).
   */
  private static long askedBodyLimit(Exchange ex, boolean request) {
    long limit = 0;
    for (PolicyHandle h : ex.route.transformers) {
      Transformer t = (Transformer) h.policy();
      try {
        limit = Math.max(limit, request ? t.requestBodyLimit(ex) : t.responseBodyLimit(ex));
      } catch (RuntimeException | Error bug) {
        throw new PluginFailure(h, bug);
      }
    }
    return limit;
  }

  /**
   * Deals with what is left of the request body as the response starts, so the connection can
   * carry the next request. Untouched: drained when small, else the connection closes. Partly
   * forwarded to a backend that failed, or over the limit: where it ends cannot be known without
   * reading it all, so the connection closes after the gateway's error.
   */
  void settleRequestBody(Exchange ex) {
    if (!ex.bodyConsumed) {
      disposeUnreadBody(ex.request);
    } else if (ex.response.fromGateway() && !ex.request.isEnded() && Bodies.hasBody(ex.request)) {
      closing.closeAfterResponse(ex.request);
    }
  }

  /**
   * A request answered without reading its body: drain a small body so the connection can carry the
   * next request; for a large one, close the connection rather than read it all.
   */
  void disposeUnreadBody(HttpServerRequest req) {
    if (req.isEnded() || !Bodies.hasBody(req)) {
      return;
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && parseLength(length) <= DRAIN_LIMIT) {
      req.handler(null);
      req.resume();
    } else {
      closing.closeAfterResponse(req);
    }
  }

  /** A {@code Content-Length} as a number; one that is not a number counts as too large. */
  static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
