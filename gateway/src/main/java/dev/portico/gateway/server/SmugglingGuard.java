package dev.portico.gateway.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses HTTP/1.1 requests that carry both {@code Content-Length} and {@code Transfer-Encoding}
 * (RFC 9112 section 6.1): the classic request-smuggling ambiguity.
 *
 * <p>Netty's decoder resolves that ambiguity itself, by silently dropping {@code Content-Length}
 * before any Vert.x handler can see it, so the check has to sit in the decoder. Vert.x offers no
 * public hook there; this class swaps Vert.x's own decoder ({@code httpDecoder}) for a subclass when
 * a connection is set up — Vert.x calls the connection handler synchronously while it builds the
 * pipeline, before a byte is decoded. The subclass turns the ambiguity into a decoding failure, which
 * Vert.x hands to {@link InvalidRequests} (400, connection closed): nothing that follows on that
 * connection can reach a backend. If a future Vert.x builds its pipeline differently, the swap logs
 * a warning and the pipeline's own header check (HTTP/1.0 and this fallback) still answers 400.
 */
final class SmugglingGuard {

  private static final Logger log = LoggerFactory.getLogger(SmugglingGuard.class);
  private static final String DECODER = "httpDecoder";
  private static volatile boolean warned;

  static final String MESSAGE = "Content-Length and Transfer-Encoding must not both be present";

  private SmugglingGuard() {}

  static void install(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof Http1xServerConnection http1)) {
      return; // HTTP/2 frames carry their own lengths
    }
    ChannelPipeline pipeline = http1.channel().pipeline();
    ChannelHandler current = pipeline.get(DECODER);
    if (current != null && current.getClass() == VertxHttpRequestDecoder.class) {
      pipeline.replace(DECODER, DECODER, new Decoder(options));
    } else if (!warned) {
      warned = true;
      log.warn("cannot install the request-smuggling guard in the HTTP/1 decoder (found {}); relying on the header check",
          current == null ? "no decoder" : current.getClass().getName());
    }
  }

  /** Vert.x's decoder, refusing instead of silently dropping Content-Length. */
  static final class Decoder extends VertxHttpRequestDecoder {
    Decoder(HttpServerOptions options) {
      super(options);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
      throw new IllegalArgumentException(MESSAGE);
    }
  }
}
