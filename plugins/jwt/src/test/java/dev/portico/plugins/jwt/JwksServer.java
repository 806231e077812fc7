package dev.portico.plugins.jwt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portico.plugins.jwt.TestKeys.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An issuer's JWKS endpoint on loopback, served by the JDK's HTTP server (independent of the
 * gateway's Vert.x): publishes whichever keys the test says, counts the fetches, and can answer
 * 500, hold its answers, or add {@code Cache-Control}.
 */
final class JwksServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile String body = new JsonObject().put("keys", new JsonArray()).encode();
  private volatile int status = 200;
  private volatile String cacheControl;
  private volatile CountDownLatch hold = new CountDownLatch(0);

  private JwksServer(HttpServer server) {
    this.server = server;
  }

  static JwksServer start(SigningKey... keys) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      JwksServer jwks = new JwksServer(http);
      http.createContext("/jwks", jwks::answer);
      http.setExecutor(jwks.threads);
      http.start();
      jwks.publish(keys);
      return jwks;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
  }

  /** From now on, the JWKS lists exactly these keys. */
  JwksServer publish(SigningKey... keys) {
    JsonArray array = new JsonArray();
    for (SigningKey k : keys) {
      array.add(k.jwk());
    }
    body = new JsonObject().put("keys", array).encode();
    return this;
  }

  /** From now on, the JWKS document is exactly this. */
  JwksServer publish(JsonObject document) {
    body = document.encode();
    return this;
  }

  /** From now on, answers with this status (500: the issuer is down). */
  JwksServer status(int status) {
    this.status = status;
    return this;
  }

  JwksServer cacheControl(String value) {
    this.cacheControl = value;
    return this;
  }

  /** From now on, answers wait until {@link #release()} (at most 10 s): a slow issuer. */
  JwksServer holdAnswers() {
    hold = new CountDownLatch(1);
    return this;
  }

  void release() {
    hold.countDown();
  }

  /** How many times the JWKS was requested. */
  int fetches() {
    return fetches.get();
  }

  /** Waits until the JWKS has been requested at least {@code n} times, up to 10 s; false if it was not. */
  boolean awaitFetches(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    synchronized (fetches) {
      while (fetches.get() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(fetches, left);
      }
      return true;
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    synchronized (fetches) {
      fetches.incrementAndGet();
      fetches.notifyAll();
    }
    try {
      hold.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] bytes = (status == 200 ? body : "{\"error\":\"down\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (cacheControl != null) {
      exchange.getResponseHeaders().set("Cache-Control", cacheControl);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @Override
  public void close() {
    hold.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
