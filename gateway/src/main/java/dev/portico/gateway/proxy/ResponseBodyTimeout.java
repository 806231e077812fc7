package dev.portico.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A backend's response body that gives up when the backend sends nothing for the integration
 * timeout while the gateway is ready to read it: {@code onStall} runs (it resets the exchange, which
 * fails this stream, which cuts the client's connection).
 *
 * @implNote Vert.x 5.0's request idle timeout stops at the response head, so without this a
 *     backend that stalls mid-body holds the client's connection until the client gives up. Time
 *     spent paused (the client reading slower than the backend sends) is not the backend's and is
 *     not counted. At most one timer per response, re-armed only when it fires, and none for a
 *     body that ends as soon as it is read; touched only from the exchange's event loop.
 */
final class ResponseBodyTimeout implements ReadStream<Buffer> {

  private final Vertx vertx;
  private final ReadStream<Buffer> source;
  private final long timeoutMillis;
  private final Runnable onStall;
  private long lastProgress = System.nanoTime();
  private boolean paused;
  private boolean finished;
  private boolean reading;
  private boolean armPending;
  private long timer = -1;

  /** @param source the backend's response, paused */
  ResponseBodyTimeout(Vertx vertx, ReadStream<Buffer> source, long timeoutMillis, Runnable onStall) {
    this.vertx = vertx;
    this.source = source;
    this.timeoutMillis = timeoutMillis;
    this.onStall = onStall;
    this.paused = true;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    if (handler == null) {
      source.handler(null);
      reading = false;
      return this;
    }
    source.handler(chunk -> {
      lastProgress = System.nanoTime();
      handler.handle(chunk);
    });
    reading = true;
    return this;
  }

  /**
   * Arms the timer once something reads, unless the body ended by then. Deferred to a task on the
   * event loop: reading starts while the response head is handled, before the rest of the same
   * network read is decoded, so a small body has usually ended by the time the task runs and
   * needs no timer at all.
   */
  private void arm() {
    if (reading && !finished && timer < 0 && !armPending) {
      armPending = true;
      vertx.runOnContext(v -> {
        armPending = false;
        if (reading && !finished && timer < 0) {
          timer = vertx.setTimer(timeoutMillis, this::check);
        }
      });
    }
  }

  private void check(long id) {
    timer = -1;
    if (finished) {
      return;
    }
    long idleMillis = (System.nanoTime() - lastProgress) / 1_000_000;
    if (paused || idleMillis < timeoutMillis) {
      timer = vertx.setTimer(paused ? timeoutMillis : timeoutMillis - idleMillis, this::check);
      return;
    }
    finished = true;
    onStall.run();
  }

  private void finish() {
    finished = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    source.endHandler(v -> {
      finish();
      if (endHandler != null) {
        endHandler.handle(v);
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    source.exceptionHandler(e -> {
      finish();
      if (handler != null) {
        handler.handle(e);
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    paused = true;
    source.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    paused = false;
    lastProgress = System.nanoTime();
    source.resume();
    arm();
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    paused = false;
    lastProgress = System.nanoTime();
    source.fetch(amount);
    arm();
    return this;
  }
}
