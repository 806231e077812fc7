package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/portico run}: serving, and stopping on SIGTERM. */
class GatewayProcessIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  private final int port = PorticoProcess.freePort();
  private final int adminPort = PorticoProcess.freePort();

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  @Test
  void defaultConfigurationServesTheDemoApi() throws IOException {
    // No --config: the shipped conf/portico.yaml; ports and data moved out of the way.
    PorticoProcess gateway = PorticoProcess.start(tmp, "run",
        "--port", String.valueOf(port),
        "--admin-port", String.valueOf(adminPort),
        "--data-dir", tmp.resolve("data").toString());
    URI hello = URI.create("http://127.0.0.1:" + port + "/demo/hello");
    gateway.awaitHttpOk(hello, START_TIMEOUT);

    HttpResponse<String> response = PorticoProcess.get(hello);

    assertEquals(200, response.statusCode(), response::body);
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        () -> "Content-Type: " + response.headers().firstValue("Content-Type"));
    assertTrue(response.headers().firstValue("X-Request-Id").filter(id -> !id.isBlank()).isPresent(),
        () -> "no X-Request-Id in " + response.headers().map());
  }

  @Test
  void defaultConfigurationThrottlesTheDemoLimitedRouteWithTheBundledRateLimit() throws IOException {
    // rate-limit is loaded from plugins/, as a third-party plugin would be
    PorticoProcess gateway = PorticoProcess.start(tmp, "run",
        "--port", String.valueOf(port),
        "--admin-port", String.valueOf(adminPort),
        "--data-dir", tmp.resolve("data").toString());
    gateway.awaitHttpOk(URI.create("http://127.0.0.1:" + port + "/demo/hello"), START_TIMEOUT);
    URI limited = URI.create("http://127.0.0.1:" + port + "/demo/limited");

    // a burst of 5, then 1 a second: a token may come back while the burst is sent, hence no exact count
    int admitted = 0;
    HttpResponse<String> response = PorticoProcess.get(limited);
    while (response.statusCode() == 200 && admitted < 20) {
      admitted++;
      assertEquals("5", response.headers().firstValue("RateLimit-Limit").orElse(null), response.headers()::toString);
      response = PorticoProcess.get(limited);
    }
    assertTrue(admitted >= 5, "only " + admitted + " requests admitted");
    assertEquals(429, response.statusCode(), response::body);
    assertEquals("1", response.headers().firstValue("Retry-After").orElse(null), response.headers()::toString);
    assertEquals("0", response.headers().firstValue("RateLimit-Remaining").orElse(null));
  }

  @Test
  void sigtermDrainsAndExitsZero() throws Exception {
    // A backend that holds the request until the test lets it answer, so the request is
    // still in flight when the gateway receives SIGTERM.
    CountDownLatch backendReceived = new CountDownLatch(1);
    CountDownLatch backendMayAnswer = new CountDownLatch(1);
    ExecutorService backendThreads = Executors.newCachedThreadPool();
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(backendThreads);
    backend.createContext("/slow", exchange -> {
      backendReceived.countDown();
      try {
        backendMayAnswer.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = "{\"slow\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    backend.start();
    try {
      Path config = Files.writeString(tmp.resolve("portico.yaml"), """
          apis:
            - name: slow
              basePath: /slow
              routes:
                - path: /request
                  methods: [GET]
                  integration:
                    type: http
                    uri: "http://127.0.0.1:%d/slow"
                    timeout: 30s
          """.formatted(backend.getAddress().getPort()));
      PorticoProcess gateway = PorticoProcess.start(tmp, "run",
          "--config", config.toString(),
          "--port", String.valueOf(port),
          "--admin-port", String.valueOf(adminPort),
          "--data-dir", tmp.resolve("data").toString());
      URI ready = URI.create("http://127.0.0.1:" + adminPort + "/ready");
      gateway.awaitHttpOk(ready, START_TIMEOUT);

      CompletableFuture<HttpResponse<String>> inFlight = PorticoProcess.http().sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/request"))
              .timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertTrue(backendReceived.await(30, TimeUnit.SECONDS), "the request never reached the backend");

      gateway.sendSigterm();
      // Draining has begun once the gateway stops calling itself ready.
      gateway.awaitCondition("/ready to stop answering 200", STOP_TIMEOUT,
          () -> PorticoProcess.statusOf(ready) != 200);
      backendMayAnswer.countDown();

      HttpResponse<String> response;
      try {
        response = inFlight.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw new AssertionError("the request in flight at SIGTERM was not completed: " + e.getCause()
            + "\n--- gateway stdout:\n" + gateway.stdout() + "\n--- gateway stderr:\n" + gateway.stderr(), e);
      }
      assertEquals(200, response.statusCode(), response::body);
      assertEquals("{\"slow\":true}", response.body());
      assertEquals(0, gateway.awaitExit(STOP_TIMEOUT).exitCode(), gateway::stderr);
    } finally {
      backendMayAnswer.countDown();
      backend.stop(0);
      backendThreads.shutdownNow();
    }
  }
}
