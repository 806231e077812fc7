package dev.portico.gateway.pipeline;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.gateway.testing.RawBackend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.RecordingBackend;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.gateway.testing.TestTransformers;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Clients that go away before their response, and clients that send their body too slowly: the
 * first are logged and counted as 499 (never as a backend failure), the second get 408 after
 * {@code server.bodyTimeout} with the connection closed, whether the route streams or buffers the
 * body.
 */
class SlowAndVanishingClientsTest {

  private static RecordingBackend backend;
  private static RawBackend silent;
  private static TestGateway gw;
  private static ListAppender<ILoggingEvent> logs;

  @BeforeAll
  static void start() {
    backend = RecordingBackend.start();
    // reads the request, never answers, and notices when the gateway gives up on it
    silent = RawBackend.start(socket -> {
      RawBackend.readHead(socket.getInputStream());
      while (socket.getInputStream().read() != -1) {
        // wait for the gateway to abandon the exchange
      }
    });
    gw = TestGateway.start("""
        server:
          instances: 1
          bodyTimeout: 1s
        apis:
          - name: slow
            basePath: /s
            routes:
              - path: /streamed
                methods: [POST]
                integration: { type: http, uri: "%1$s/streamed" }
              - path: /buffered
                methods: [POST]
                integration: { type: http, uri: "%1$s/buffered" }
                policies:
                  - reads-body: {}
              - path: /silent
                integration: { type: http, uri: "%2$s/silent", timeout: 60s }
        """.formatted(backend.url(), silent.url()), TestTransformers.readsBody());
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new ListAppender<>();
    logs.setContext(root.getLoggerContext());
    logs.start();
    root.addAppender(logs);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    gw.close();
    silent.close();
    backend.close();
  }

  /** What was logged so far (Logback appends under the appender's lock). */
  private static List<ILoggingEvent> logged() {
    synchronized (logs) {
      return List.copyOf(logs.list);
    }
  }

  private static List<JsonObject> accessLines(Predicate<JsonObject> which) {
    return logged().stream()
        .filter(e -> e.getLoggerName().equals("portico.access"))
        .map(e -> new JsonObject(e.getFormattedMessage()))
        .filter(which)
        .toList();
  }

  private static void awaitAccessLines(int count, Predicate<JsonObject> which) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (accessLines(which).size() < count && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertEquals(count, accessLines(which).size(), "access-log lines");
  }

  @Test
  void everyClientThatLeavesBeforeItsResponseIsLoggedAs499AndNotAsABackendFailure() {
    int clients = 40;
    for (int i = 0; i < clients; i++) {
      RawHttp http = RawHttp.connect(gw.port());
      http.send("GET /s/silent?i=" + i + " HTTP/1.1\r\nHost: gateway\r\n\r\n");
      http.abort();
    }
    awaitAccessLines(clients, line -> "/s/silent".equals(line.getString("path")) && line.getInteger("status") == 499);
    List<String> backendFailures = logged().stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("Bad Gateway") || m.contains("/s/silent"))
        .toList();
    assertEquals(List.of(), backendFailures);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/s/streamed", "/s/buffered"})
  void aBodyTricklingPastTheBodyTimeoutIsAnswered408AndTheConnectionClosed(String path) {
    long start = System.nanoTime();
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST " + path + " HTTP/1.1\r\nHost: gateway\r\nContent-Length: 10\r\n\r\nabc");
      assertGatewayError(408, http.read());
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "the connection stays open after 408");
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis >= 900, "408 after " + millis + " ms, before the body timeout");
    assertTrue(backend.nothingWithin(Duration.ofMillis(200)), "an incomplete body reached the backend as a request");
  }

  @Test
  void requestsAnswered408DoNotHoldBackendConnections() {
    // more than the 64 pooled connections per backend: each abandoned exchange must give its back
    List<RawHttp> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 80; i++) {
        RawHttp http = RawHttp.connect(gw.port());
        http.send("POST /s/streamed HTTP/1.1\r\nHost: gateway\r\nContent-Length: 10\r\n\r\nabc");
        clients.add(http);
      }
      for (RawHttp http : clients) {
        assertEquals(408, http.read().status());
      }
    } finally {
      clients.forEach(RawHttp::close);
    }
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST /s/streamed HTTP/1.1\r\nHost: gateway\r\nContent-Length: 5\r\n\r\nhello");
      assertEquals(200, http.read().status(), "the backend's connections are all held by abandoned exchanges");
    }
    assertEquals("hello", backend.next(Duration.ofSeconds(5)).bodyText());
  }

  @Test
  void aChunkedBodyThatNeverEndsIsAnswered408() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST /s/streamed HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
      assertGatewayError(408, http.read());
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)));
    }
    assertTrue(backend.nothingWithin(Duration.ofMillis(200)));
  }

  @Test
  void aBodyThatArrivesInTimeIsServed() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST /s/buffered HTTP/1.1\r\nHost: gateway\r\nContent-Length: 5\r\n\r\nhello");
      assertEquals(200, http.read().status());
    }
    assertEquals("hello", backend.next(Duration.ofSeconds(5)).bodyText());
  }
}
