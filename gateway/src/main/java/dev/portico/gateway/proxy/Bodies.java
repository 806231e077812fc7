package dev.portico.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.streams.ReadStream;

/** Request bodies on their way through: whether there is one, and a size limit while streaming. */
public final class Bodies {

  private Bodies() {}

  /** Whether the client announced a body (a non-zero Content-Length, or Transfer-Encoding). */
  public static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !"0".equals(length);
    }
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /**
   * The request body as a stream that fails with a 413 {@link GatewayFailure} once more than
   * {@code max} bytes went through. A body with a Content-Length was checked against the limit
   * before anything was sent, so only a chunked body needs counting.
   */
  public static ReadStream<Buffer> limited(HttpServerRequest request, long max) {
    if (max <= 0 || request.getHeader(HttpHeaders.CONTENT_LENGTH) != null) {
      return request;
    }
    return new Limited(request, max);
  }

  private static final class Limited implements ReadStream<Buffer> {
    private final HttpServerRequest source;
    private final long max;
    private long seen;
    private Handler<Throwable> exceptionHandler;
    private boolean failed;

    Limited(HttpServerRequest source, long max) {
      this.source = source;
      this.max = max;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      source.exceptionHandler(handler);
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
      if (handler == null) {
        source.handler(null);
        return this;
      }
      source.handler(chunk -> {
        if (failed) {
          return;
        }
        seen += chunk.length();
        if (seen > max) {
          failed = true;
          source.handler(null);
          if (exceptionHandler != null) {
            exceptionHandler.handle(new GatewayFailure(413, "Content Too Large", null));
          }
          return;
        }
        handler.handle(chunk);
      });
      return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
      source.pause();
      return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
      source.resume();
      return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      source.fetch(amount);
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
      source.endHandler(v -> {
        if (!failed && endHandler != null) {
          endHandler.handle(v);
        }
      });
      return this;
    }
  }
}
