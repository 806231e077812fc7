package dev.portico.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A backend's response body with an idle clock: every chunk restarts it, pausing stops it (the
 * client is slow: the backend is not to blame), and the end or a failure of the body ends the
 * watch. When it runs out the {@link Deadlines.IdleWatch} cuts the backend exchange, which fails
 * this stream, which cuts the client's response: a truncated body is never padded or completed.
 */
final class IdleWatchedBody implements ReadStream<Buffer>, Handler<Buffer> {

  private final ReadStream<Buffer> source;
  private final Deadlines.IdleWatch watch;
  private Handler<Buffer> handler;

  IdleWatchedBody(ReadStream<Buffer> source, Deadlines.IdleWatch watch) {
    this.source = source;
    this.watch = watch;
  }

  @Override
  public void handle(Buffer chunk) {
    watch.moved();
    Handler<Buffer> h = handler;
    if (h != null) {
      h.handle(chunk);
    }
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    source.handler(handler == null ? null : this);
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(handler == null ? null : failure -> {
      watch.stop();
      handler.handle(failure);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(endHandler == null ? null : v -> {
      watch.stop();
      endHandler.handle(v);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    watch.paused(true);
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    watch.paused(false);
    source.resume();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    watch.paused(false);
    source.fetch(amount);
    return this;
  }
}
