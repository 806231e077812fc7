package dev.portico.gateway.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses requests that carry both {@code Content-Length} and {@code Transfer-Encoding} (RFC 9112
 * section 6.1), or a {@code Transfer-Encoding} that does not end in {@code chunked} (section 6.3):
 * the classic request-smuggling ambiguities.
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
  static final String UNKNOWN_LENGTH = "Transfer-Encoding must end with chunked";

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

    /**
     * Netty asks this of every message, after its headers and before it picks the framing: the
     * one place to refuse framing it would otherwise guess at. A request whose Transfer-Encoding
     * does not end in chunked has no knowable length (RFC 9112 section 6.3): Netty reads it as
     * bodiless, so its body would be parsed as a next request — smuggled past whatever sits in
     * front of the gateway. And Content-Length beside Transfer-Encoding is refused here for
     * HTTP/1.0 too, where Netty does not call the hook above.
     */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
      List<String> codings = message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (!codings.isEmpty()) {
        if (message.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
          throw new IllegalArgumentException(MESSAGE);
        }
        if (!endsInChunkedOnly(codings)) {
          throw new IllegalArgumentException(UNKNOWN_LENGTH);
        }
      }
      return super.isContentAlwaysEmpty(message);
    }
  }

  /** Whether the codings end with {@code chunked}, applied once (RFC 9112 section 6.1). */
  static boolean endsInChunkedOnly(List<String> headerValues) {
    String last = null;
    int chunked = 0;
    for (String value : headerValues) {
      for (String coding : value.split(",")) {
        String c = coding.trim();
        if (c.isEmpty()) {
          continue;
        }
        last = c;
        if (c.equalsIgnoreCase("chunked")) {
          chunked++;
        }
      }
    }
    return chunked == 1 && "chunked".equalsIgnoreCase(last);
  }
}
