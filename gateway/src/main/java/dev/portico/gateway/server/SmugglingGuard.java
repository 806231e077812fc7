package dev.portico.gateway.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards one HTTP/1 connection against request smuggling: requests whose framing is ambiguous
 * (RFC 9112 section 6.1: {@code Content-Length} with {@code Transfer-Encoding}; section 6.3: a
 * {@code Transfer-Encoding} that does not end in {@code chunked}) are refused, and chunked bodies are
 * read strictly ({@link StrictChunkedBody}), so that no byte sequence can be read as two requests
 * here and as one by whatever sits in front of the gateway, or the other way round.
 *
 * <p>Netty's decoder resolves the header ambiguity itself, by silently dropping
 * {@code Content-Length} before any Vert.x handler can see it, and reads chunk sizes leniently (modulo
 * 2^32), so the checks have to sit in the decoder. Vert.x offers no public hook there; this class
 * swaps Vert.x's own decoder ({@code httpDecoder}) for a subclass when a connection is set up —
 * Vert.x calls the connection handler synchronously while it builds the pipeline, before a byte is
 * decoded. Ambiguous headers become a decoding failure, which Vert.x hands to
 * {@link InvalidRequests} (400, connection closed). A malformed chunked body is found after its
 * request was handed on: the decoder stops reading the connection for good, and the request gets its
 * 400 from {@link #malformedBody} (or, when its response has already begun, the connection is
 * closed). Either way nothing that follows on that connection can reach a backend. If a future Vert.x
 * builds its pipeline differently, the swap logs a warning and the pipeline's own header check
 * (HTTP/1.0 and this fallback) still answers 400.
 */
final class SmugglingGuard {

  private static final Logger log = LoggerFactory.getLogger(SmugglingGuard.class);
  private static final String DECODER = "httpDecoder";
  private static volatile boolean warned;

  static final String MESSAGE = "Content-Length and Transfer-Encoding must not both be present";
  static final String UNKNOWN_LENGTH = "Transfer-Encoding must end with chunked";
  static final String SEVERAL_HOSTS = "more than one Host header";
  static final String NO_HOST = "an HTTP/1.1 request needs a Host header";
  static final String INVALID_HOST = "the Host header is not a valid host[:port]";

  private final Http1xServerConnection connection;
  /** The latest chunked request handed to the gateway, and how many chunked bodies each side has seen. */
  private HttpServerRequest chunkedRequest;
  private int chunkedRequestsHandled;
  private int chunkedBodiesDecoded;

  private SmugglingGuard(Http1xServerConnection connection) {
    this.connection = connection;
  }

  /** Installs the guard on a new connection; null for HTTP/2, whose frames carry their own lengths. */
  static SmugglingGuard install(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof Http1xServerConnection http1)) {
      return null;
    }
    ChannelPipeline pipeline = http1.channel().pipeline();
    ChannelHandler current = pipeline.get(DECODER);
    SmugglingGuard guard = new SmugglingGuard(http1);
    // a malformed body is answered here; Vert.x would log the failure it reports as an error
    connection.exceptionHandler(failure -> {
      if (!(failure instanceof MalformedChunkedBody)) {
        log.debug("client connection failed: {}", failure.getClass().getName());
      }
    });
    if (current != null && current.getClass() == VertxHttpRequestDecoder.class) {
      pipeline.replace(DECODER, DECODER, guard.new Decoder(options));
    } else if (!warned) {
      warned = true;
      log.warn("cannot install the request-smuggling guard in the HTTP/1 decoder (found {}); relying on the header check",
          current == null ? "no decoder" : current.getClass().getName());
    }
    return guard;
  }

  /**
   * Where the listener reports each request with a chunked body as it hands it to the gateway, so
   * that a malformed body can be answered on the right response.
   */
  void chunkedRequest(HttpServerRequest request) {
    chunkedRequest = request;
    chunkedRequestsHandled++;
  }

  /**
   * The body being decoded broke the framing: 400 on its request's response when that has not begun
   * (the request must be the one whose body this is: the latest chunked one handed on, with no other
   * decoded since); then the connection fails with it, which closes it and fails the request's body
   * stream, so a backend request it was being streamed to is reset rather than left waiting. The
   * decoder reads nothing more either way.
   */
  private void malformedBody(MalformedChunkedBody failure) {
    HttpServerRequest request = chunkedRequest;
    chunkedRequest = null;
    if (request != null && chunkedRequestsHandled == chunkedBodiesDecoded
        && !request.response().headWritten() && !request.response().closed()) {
      InvalidRequests.send(request, 400, "Bad Request: " + failure.getMessage())
          .onComplete(sent -> connection.fail(failure));
    } else {
      // what the response has written so far goes out first: failing the connection closes it at once
      connection.channel().flush();
      connection.fail(failure);
    }
  }

  /** Vert.x's decoder, refusing instead of silently dropping Content-Length, and reading chunked bodies strictly. */
  final class Decoder extends VertxHttpRequestDecoder {
    private final int maxTrailerBytes;
    /** The chunked body being read, or null while Netty reads heads and other bodies. */
    private StrictChunkedBody chunkedBody;
    /** Set once a body was malformed: where the next request starts cannot be known, so nothing is read again. */
    private boolean discarding;

    Decoder(HttpServerOptions options) {
      super(options);
      this.maxTrailerBytes = options.getMaxHeaderSize();
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
     * HTTP/1.0 too, where Netty does not call the hook above. A chunked body is then read by
     * {@link #decode} with {@link StrictChunkedBody} instead of Netty's lenient parser.
     */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
      checkHost(message);
      List<String> codings = message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
          ? message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
      if (!codings.isEmpty()) {
        if (message.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
          throw new IllegalArgumentException(MESSAGE);
        }
        if (!endsInChunkedOnly(codings)) {
          throw new IllegalArgumentException(UNKNOWN_LENGTH);
        }
      }
      boolean empty = super.isContentAlwaysEmpty(message);
      if (!empty && !codings.isEmpty()) {
        chunkedBody = new StrictChunkedBody(maxTrailerBytes);
        chunkedBodiesDecoded++;
      }
      return empty;
    }

    /**
     * One {@code Host}, a valid one (RFC 9112 section 3.2: exactly one, and required in HTTP/1.1):
     * the gateway routes by path, but a backend may route, link or redirect by what it gets in
     * {@code X-Forwarded-Host}, so an ambiguous or forged value must not pass.
     */
    private void checkHost(HttpMessage message) {
      // an iterator over the header's values: no list, no strings, on every request
      Iterator<? extends CharSequence> hosts = message.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
      if (!hosts.hasNext()) {
        if (message.protocolVersion() == HttpVersion.HTTP_1_1) {
          throw new IllegalArgumentException(NO_HOST);
        }
        return;
      }
      CharSequence host = hosts.next();
      if (hosts.hasNext()) {
        throw new IllegalArgumentException(SEVERAL_HOSTS);
      }
      if (!HostHeader.isValid(host)) {
        throw new IllegalArgumentException(INVALID_HOST);
      }
    }

    /**
     * Netty decodes heads and every other body; a chunked body, from the first byte after its head,
     * is read here. Netty's decoder was left expecting a chunk size: {@link #reset()} makes it start
     * afresh at the next request once the body has ended.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      if (discarding) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (chunkedBody == null) {
        super.decode(ctx, in, out);
        return;
      }
      try {
        if (chunkedBody.decode(in, out)) {
          chunkedBody = null;
          reset();
        }
      } catch (MalformedChunkedBody failure) {
        chunkedBody = null;
        discarding = true;
        in.skipBytes(in.readableBytes());
        malformedBody(failure);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof HttpExpectationFailedEvent) {
        chunkedBody = null; // a refused 100-continue: the body will not come, and Netty resets itself
      }
      super.userEventTriggered(ctx, event);
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
