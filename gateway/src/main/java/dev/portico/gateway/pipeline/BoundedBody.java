package dev.portico.gateway.pipeline;

import dev.portico.gateway.proxy.GatewayFailure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** Reads a body into memory only up to a limit: a policy that asks for a body never gets an unbounded one. */
final class BoundedBody {

  private BoundedBody() {}

  /** The whole body, or a 413 {@link GatewayFailure} as soon as it grows past {@code max}. */
  static Future<Buffer> read(ReadStream<Buffer> source, long max) {
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    source.exceptionHandler(promise::tryFail);
    source.handler(chunk -> {
      if (body.length() + chunk.length() > max) {
        source.handler(null);
        source.endHandler(null);
        promise.tryFail(new GatewayFailure(413, "Content Too Large", null));
        return;
      }
      body.appendBuffer(chunk);
    });
    source.endHandler(v -> promise.tryComplete(body));
    source.resume();
    return promise.future();
  }

  /** Either the whole body, or, when it is larger than {@code max}, a stream of all of it to pass on. */
  record Result(Buffer body, ReadStream<Buffer> passThrough) {}

  static Future<Result> readOrPassThrough(ReadStream<Buffer> source, long max) {
    Promise<Result> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    source.exceptionHandler(promise::tryFail);
    source.handler(chunk -> {
      body.appendBuffer(chunk);
      if (body.length() > max) {
        source.pause();
        source.handler(null);
        source.endHandler(null);
        source.exceptionHandler(null);
        promise.tryComplete(new Result(null, new Prefixed(body, source)));
      }
    });
    source.endHandler(v -> promise.tryComplete(new Result(body, null)));
    source.resume();
    return promise.future();
  }

  /** What was read so far, then the rest of the source. */
  private static final class Prefixed implements ReadStream<Buffer> {
    private final ReadStream<Buffer> source;
    private Buffer prefix;
    private Handler<Buffer> handler;
    private boolean paused = true;

    Prefixed(Buffer prefix, ReadStream<Buffer> source) {
      this.prefix = prefix;
      this.source = source;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
      source.exceptionHandler(h);
      return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> h) {
      this.handler = h;
      source.handler(h);
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
      return fetch(Long.MAX_VALUE);
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
      paused = false;
      if (prefix != null && handler != null) {
        Buffer p = prefix;
        prefix = null;
        handler.handle(p);
      }
      if (!paused) {
        source.fetch(amount);
      }
      return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> h) {
      source.endHandler(h);
      return this;
    }
  }
}
