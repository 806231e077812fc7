package dev.portico.gateway.proxy;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawBackend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestBytes;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A body cut short on one side is never delivered as complete on the other, and a slow client is not
 * a slow backend. These are the failure paths of streaming:
 * a proxy that ends the other side's stream when its source fails turns a broken upload into a
 * complete (truncated) request, and a broken download into a complete (truncated) response.
 */
class ProxyBodyIntegrityTest {

  private static Backend backend;
  private static RawBackend chunkedThenReset;
  private static RawBackend lengthThenReset;
  private static TestGateway gw;
  /** How the backend's last {@code /record} request ended: "ended <bytes>" or "failed: ...". */
  private static volatile CompletableFuture<String> recorded = new CompletableFuture<>();
  private static final long SLOW_DOWNLOAD = 32 * TestBytes.MiB;
  /** Completed when the backend's last {@code /record} request arrived (its head, at least). */
  private static volatile CompletableFuture<Void> arrived = new CompletableFuture<>();

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(ProxyBodyIntegrityTest::serve);
    chunkedThenReset = RawBackend.start(s -> {
      RawBackend.readHead(s.getInputStream());
      s.getOutputStream().write(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n".getBytes(US_ASCII));
      s.getOutputStream().flush();
      RawBackend.reset(s);
    });
    lengthThenReset = RawBackend.start(s -> {
      RawBackend.readHead(s.getInputStream());
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello".getBytes(US_ASCII));
      s.getOutputStream().flush();
      RawBackend.reset(s);
    });
    gw = TestGateway.start("""
        server:
          instances: 1
          maxBodySize: 1MB
        apis:
          - name: bodies
            basePath: /b
            routes:
              - path: /record
                integration: { type: http, uri: "%s/record", timeout: 5s }
              - path: /slow-reader
                integration: { type: http, uri: "%s/record", timeout: 300ms }
              - path: /stalls
                integration: { type: http, uri: "%s/stalls", timeout: 300ms }
              - path: /download
                integration: { type: http, uri: "%s/download", timeout: 300ms, idleTimeout: 300ms }
              - path: /stalls-mid-body
                integration: { type: http, uri: "%s/stalls-mid-body", timeout: 300ms, idleTimeout: 300ms }
              - path: /chunked-cut
                integration: { type: http, uri: "%s/x" }
              - path: /length-cut
                integration: { type: http, uri: "%s/x" }
        """.formatted(backend.url(), backend.url(), backend.url(), backend.url(), backend.url(), chunkedThenReset.url(),
        lengthThenReset.url()));
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
    chunkedThenReset.close();
    lengthThenReset.close();
  }

  /** {@code /record}: reads the body, reports how it ended, answers 200. {@code /stalls}: never reads. */
  private static void serve(HttpServerRequest req) {
    if (req.path().equals("/stalls")) {
      req.pause();
      return;
    }
    if (req.path().equals("/download")) {
      req.response().putHeader("Content-Length", String.valueOf(SLOW_DOWNLOAD));
      TestBytes.stream(req.response(), SLOW_DOWNLOAD);
      return;
    }
    if (req.path().equals("/stalls-mid-body")) {
      req.response().setChunked(true).write("the beginning, and then nothing");
      return;
    }
    CompletableFuture<String> outcome = recorded;
    arrived.complete(null);
    long[] n = {0};
    req.handler(b -> n[0] += b.length());
    req.exceptionHandler(e -> outcome.complete("failed: " + e));
    req.connection().closeHandler(v -> outcome.complete("failed: connection closed after " + n[0] + " bytes"));
    req.endHandler(v -> {
      outcome.complete("ended " + n[0]);
      req.response().end("got " + n[0]);
    });
  }

  private static void expectRecord() {
    recorded = new CompletableFuture<>();
    arrived = new CompletableFuture<>();
  }

  @Test
  void backendResetMidChunkedBodyReachesTheClientAsCutShort() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /b/chunked-cut HTTP/1.1\r\nHost: gateway\r\n\r\n");
      // the head may already be on its way; what must never come is the terminating chunk
      assertThrows(UncheckedIOException.class, http::read, "a cut-short body was completed");
    }
  }

  @Test
  void backendResetMidLengthBodyReachesTheClientAsCutShort() throws IOException {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /b/length-cut HTTP/1.1\r\nHost: gateway\r\n\r\n");
      RawHttp.Response head;
      try {
        head = http.readHead();
      } catch (IOException closedBeforeTheHead) {
        return; // also a cut-short answer
      }
      if (head.status() == 502) {
        return; // the gateway noticed before sending the head: fine too
      }
      assertEquals("100", head.header("Content-Length"));
      byte[] body = http.input().readNBytes(100);
      assertTrue(body.length < 100, "the client got 100 bytes the backend never sent");
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "the connection stays open after a body cut short");
    }
  }

  @Test
  void clientGoneMidChunkedUploadNeverReachesTheBackendAsComplete() throws Exception {
    expectRecord();
    RawHttp http = RawHttp.connect(gw.port());
    http.send("POST /b/record HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n");
    http.send("400\r\n" + "x".repeat(1024) + "\r\n");
    arrived.get(5, TimeUnit.SECONDS); // the upload is under way at the backend
    http.abort();
    String outcome = recorded.get(5, TimeUnit.SECONDS);
    assertTrue(outcome.startsWith("failed"), "the backend saw: " + outcome);
  }

  @Test
  void clientGoneMidLengthUploadNeverReachesTheBackendAsComplete() throws Exception {
    expectRecord();
    RawHttp http = RawHttp.connect(gw.port());
    http.send("POST /b/record HTTP/1.1\r\nHost: gateway\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1024));
    arrived.get(5, TimeUnit.SECONDS); // the upload is under way at the backend
    http.abort();
    String outcome = recorded.get(5, TimeUnit.SECONDS);
    assertTrue(outcome.startsWith("failed"), "the backend saw: " + outcome);
  }

  @Test
  void chunkedBodyOverTheLimitNeverReachesTheBackendAsComplete() throws Exception {
    expectRecord();
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST /b/record HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "10000\r\n" + "y".repeat(0x10000) + "\r\n";
      for (int i = 0; i < 17; i++) { // 17 x 64 KiB > 1 MB
        http.send(chunk);
      }
      http.send("0\r\n\r\n");
      assertGatewayError(413, http.read());
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "the rest of an over-limit body is not read: the connection closes");
    }
    String outcome = recorded.get(5, TimeUnit.SECONDS);
    assertTrue(outcome.startsWith("failed"), "the backend saw: " + outcome);
  }

  @Test
  void backendStallingMidBodyLongerThanTheIdleTimeoutCutsTheClientConnection() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /b/stalls-mid-body HTTP/1.1\r\nHost: gateway\r\n\r\n");
      // cut by the route's 300 ms idleTimeout; left hanging, the read would give up after its own 10 s
      UncheckedIOException cut = assertThrows(UncheckedIOException.class, http::read, "a stalled body was completed");
      assertFalse(cut.getCause() instanceof java.net.SocketTimeoutException,
          "the gateway left the client waiting for a stalled body: " + cut.getCause());
    }
  }

  @Test
  void clientReadingSlowerThanTheTimeoutIsNotCut() throws Exception {
    // timeout and idleTimeout 300 ms; the client stops reading for 1 s while the gateway holds the backend back
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("GET /b/download HTTP/1.1\r\nHost: gateway\r\n\r\n");
      RawHttp.Response head = http.readHead();
      assertEquals(200, head.status());
      byte[] first = http.input().readNBytes(64 * 1024);
      // pacing, not waiting for a condition: the client is slow on purpose
      CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)).get();
      MessageDigest md = TestBytes.sha256();
      md.update(first);
      byte[] buf = new byte[256 * 1024];
      long left = SLOW_DOWNLOAD - first.length;
      while (left > 0) {
        int n = http.input().read(buf, 0, (int) Math.min(buf.length, left));
        assertTrue(n > 0, "the download was cut with " + left + " bytes to go");
        md.update(buf, 0, n);
        left -= n;
      }
      assertEquals(TestBytes.sha256Of(SLOW_DOWNLOAD), TestBytes.hex(md));
    }
  }

  @Test
  void backendThatStopsReadingMidUploadIs504() throws Exception {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send("POST /b/stalls HTTP/1.1\r\nHost: gateway\r\nContent-Length: " + TestBytes.MiB + "\r\n\r\n");
      // the body fills the buffers on the way and then blocks: write it from another thread
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = http.output();
          TestBytes.writeTo(out, TestBytes.MiB);
        } catch (IOException closedByTheGateway) {
          // expected once the gateway answered and closed
        }
      });
      long start = System.nanoTime();
      RawHttp.Response r = http.read();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertGatewayError(504, r);
      assertTrue(millis < 5000, "answered after " + millis + " ms; the timeout is 300 ms");
      assertNotEquals("keep-alive", r.header("Connection"));
      writer.cancel(true);
    }
  }
}
