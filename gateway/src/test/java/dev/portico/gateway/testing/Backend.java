package dev.portico.gateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP backend on loopback for tests. By default it answers every request with 200 and a
 * JSON echo of what it received ({@code method}, {@code uri}, {@code path}, {@code query},
 * {@code headers}, {@code bodyLength}); a test can install its own handler. Every request it saw is
 * recorded, head and all, for assertions on what the gateway forwarded.
 */
public final class Backend implements AutoCloseable {

  /** What the backend received. */
  public record Received(String method, String uri, MultiMap headers, long bodyLength) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private volatile Handler<HttpServerRequest> handler;

  private final String scheme;

  private Backend(Vertx vertx, HttpServerOptions options) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer(options);
    this.scheme = options.isSsl() ? "https" : "http";
  }

  /** An echo backend on a free loopback port. */
  public static Backend start() {
    return start(new HttpServerOptions());
  }

  /**
   * An echo backend serving HTTPS with a PEM certificate and key (e.g. the self-signed
   * {@code tls/localhost.crt} and {@code tls/localhost.key} of the test resources).
   */
  public static Backend startTls(Path cert, Path key) {
    return start(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString())));
  }

  private static Backend start(HttpServerOptions options) {
    Vertx vertx = Vertx.vertx();
    Backend b = new Backend(vertx, options);
    b.server.requestHandler(b::handle);
    await(b.server.listen(0, "127.0.0.1"));
    return b;
  }

  /** Replaces the echo with a handler of the test's own (it must answer; the request is still recorded). */
  public Backend handler(Handler<HttpServerRequest> handler) {
    this.handler = handler;
    return this;
  }

  private void handle(HttpServerRequest req) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
    Handler<HttpServerRequest> custom = handler;
    if (custom != null) {
      received.add(new Received(req.method().name(), req.uri(), headers, -1));
      custom.handle(req);
      return;
    }
    long[] length = {0};
    req.handler(chunk -> length[0] += chunk.length());
    req.endHandler(v -> {
      received.add(new Received(req.method().name(), req.uri(), headers, length[0]));
      JsonObject h = new JsonObject();
      headers.forEach(e -> h.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
      JsonObject echo = new JsonObject()
          .put("method", req.method().name())
          .put("uri", req.uri())
          .put("path", req.path())
          .put("query", req.query())
          .put("headers", h)
          .put("bodyLength", length[0]);
      req.response().putHeader("Content-Type", "application/json").end(echo.encode());
    });
  }

  /** The next request the backend received, waiting at most 10 s. */
  public Received nextRequest() {
    try {
      Received r = received.poll(10, TimeUnit.SECONDS);
      if (r == null) {
        throw new AssertionError("the backend received no request within 10 s");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** How many requests it has received and not yet taken with {@link #nextRequest()}. */
  public int pending() {
    return received.size();
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:<port>} ({@code https} for {@link #startTls}) */
  public String url() {
    return scheme + "://127.0.0.1:" + port();
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
