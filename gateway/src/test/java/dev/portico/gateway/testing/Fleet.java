package dev.portico.gateway.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of real HTTP backends on loopback, for upstream tests: each target answers
 * {@code 200} with its name ({@code t0}, {@code t1}...) in the body and in {@code X-Target},
 * counts what it receives, and can be stopped (connections refused), restarted on the same port,
 * or switched to answering 503, to never answering, or to failing only its health checks
 * ({@code GET /health}).
 */
public final class Fleet implements AutoCloseable {

  /** How a target behaves. */
  public enum Mode {
    /** 200 with its name; {@code /health} 200. */
    OK,
    /** 503 to everything, {@code /health} included. */
    UNAVAILABLE,
    /** Reads the request, never answers. */
    SILENT,
    /** Serves requests, but {@code /health} answers 500. */
    HEALTH_FAILS
  }

  private final Vertx vertx = Vertx.vertx();
  private final int[] ports;
  private final HttpServer[] servers;
  private final Mode[] modes;
  private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  private Fleet(int size) {
    ports = new int[size];
    servers = new HttpServer[size];
    modes = new Mode[size];
    for (int i = 0; i < size; i++) {
      ports[i] = TestGateway.freePort();
      modes[i] = Mode.OK;
    }
  }

  /** {@code size} targets, all started. */
  public static Fleet start(int size) {
    Fleet fleet = new Fleet(size);
    for (int i = 0; i < size; i++) {
      fleet.restart(i);
    }
    return fleet;
  }

  public String url(int i) {
    return "http://127.0.0.1:" + ports[i];
  }

  public int port(int i) {
    return ports[i];
  }

  public int size() {
    return ports.length;
  }

  public void mode(int i, Mode mode) {
    modes[i] = mode;
  }

  /** Requests target {@code i} received (health checks not counted), of any method. */
  public int count(int i) {
    return count(i, "*");
  }

  /** Requests target {@code i} received with this method (health checks not counted). */
  public int count(int i, String method) {
    AtomicInteger n = counts.get(i + " " + method);
    return n == null ? 0 : n.get();
  }

  /** Health checks target {@code i} received. */
  public int healthChecks(int i) {
    AtomicInteger n = counts.get(i + " health");
    return n == null ? 0 : n.get();
  }

  public void resetCounts() {
    counts.clear();
  }

  /** Stops target {@code i}: its connections close, new ones are refused. */
  public synchronized void stop(int i) {
    if (servers[i] != null) {
      await(servers[i].close());
      servers[i] = null;
    }
  }

  /** Starts target {@code i} (again) on its port. */
  public synchronized void restart(int i) {
    if (servers[i] != null) {
      return;
    }
    HttpServer server = vertx.createHttpServer().requestHandler(req -> handle(i, req));
    await(server.listen(ports[i], "127.0.0.1"));
    servers[i] = server;
  }

  private void handle(int i, HttpServerRequest req) {
    boolean health = req.path().equals("/health");
    if (health) {
      counts.computeIfAbsent(i + " health", k -> new AtomicInteger()).incrementAndGet();
    } else {
      counts.computeIfAbsent(i + " *", k -> new AtomicInteger()).incrementAndGet();
      counts.computeIfAbsent(i + " " + req.method().name(), k -> new AtomicInteger()).incrementAndGet();
    }
    Mode mode = modes[i];
    req.body().onSuccess(body -> {
      if (mode == Mode.SILENT) {
        return;
      }
      if (mode == Mode.UNAVAILABLE) {
        req.response().setStatusCode(503).end("t" + i + " unavailable");
      } else if (health && mode == Mode.HEALTH_FAILS) {
        req.response().setStatusCode(500).end("t" + i + " sick");
      } else {
        req.response().putHeader("X-Target", "t" + i).end("t" + i);
      }
    });
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
