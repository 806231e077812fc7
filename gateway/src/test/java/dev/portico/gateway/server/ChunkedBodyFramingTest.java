package dev.portico.gateway.server;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.RecordingBackend;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.gateway.testing.TestTransformers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chunked request bodies are read strictly, over raw sockets against a real gateway and a backend
 * that records the exact bytes it receives: a chunk size that overflows, is negative or not hex, a
 * bare LF, or data not followed by CRLF is 400 with the connection closed, on a route that streams
 * the body and on one that buffers it; and nothing sent after it on that connection ever reaches a
 * backend.
 */
class ChunkedBodyFramingTest {

  private static RecordingBackend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = RecordingBackend.start();
    gw = TestGateway.start("""
        apis:
          - name: files
            basePath: /p
            routes:
              - path: /files/{proxy+}
                integration: { type: http, uri: "%1$s/files/{proxy}" }
              - path: /buffered/{proxy+}
                integration: { type: http, uri: "%1$s/buffered/{proxy}" }
                policies:
                  - reads-body: {}
              - path: /mock
                integration: { type: mock, status: 200, body: { ok: true } }
        """.formatted(backend.url()), TestTransformers.readsBody());
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    backend.clear();
  }

  private static final String SECOND = "GET /p/files/second HTTP/1.1\r\nHost: gateway\r\n\r\n";

  private static String chunked(String path, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
  }

  /** Sends the bytes, expects the gateway's 400 and the connection closed, then proves nothing reached the backend. */
  private static void assertRefusedAndNothingForwarded(String bytes) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(bytes);
      assertGatewayError(400, http.read());
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "the connection stays open after a malformed chunked body");
    }
    assertTrue(backend.nothingWithin(Duration.ofMillis(300)), "a request reached the backend");
  }

  @ParameterizedTest(name = "chunk size {0}")
  @ValueSource(strings = {
      "100000005",            // 2^32 + 5: read modulo 2^32 as 5 by a 32-bit parser
      "ffffffffffffffff1",    // 17 hex digits
      "00000000000000005",    // 17 digits, even when they are zeros
      "ffffffffffffffff",     // 16 digits that overflow a signed 64-bit size
      "8000000000000005",
      "80000000",             // 2 GiB: over the largest chunk accepted
      "-5",
      "0x5",
      "+5",
      " 5",
      "5 ",
      "5 x",
      "",
      "g",
  })
  void chunkSizesThatAreNotStrictHexAreRefused(String size) {
    for (String route : new String[] {"/p/files/ovf", "/p/buffered/ovf"}) {
      assertRefusedAndNothingForwarded(chunked(route, size + "\r\nhello\r\n0\r\n\r\n") + SECOND);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "5\nhello\r\n0\r\n\r\n",         // bare LF after the size
      "5\r\nhello\n0\r\n\r\n",         // bare LF after the data
      "5\r\nhelloXX0\r\n\r\n",         // data longer than its size
      "5\r\nhell\r\n0\r\n\r\n",        // data shorter than its size
      "5\r\nhello\r\n0\n\r\n",         // bare LF after the last chunk
      "5\r\nhello\r\n0\r\n\n",         // bare LF ends the trailers
      "5\r\nhello\r\n0\r\nX-Trailer\r\n\r\n",   // a trailer that is not a field
      "5\r\rhello\r\n0\r\n\r\n",       // CR not followed by LF
      "5;ext=\u0001\r\nhello\r\n0\r\n\r\n",      // a control byte in an extension
  })
  void lineEndsAndDataLengthsAreChecked(String body) {
    for (String route : new String[] {"/p/files/lf", "/p/buffered/lf"}) {
      assertRefusedAndNothingForwarded(chunked(route, body) + SECOND);
    }
  }

  @Test
  void wellFormedChunkedBodiesPassWithExtensionsAndTrailers() {
    String body = "5;name=value\r\nhello\r\n1 ; quoted=\"x y\"\r\n,\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n";
    for (String route : new String[] {"/p/files/good", "/p/buffered/good"}) {
      try (RawHttp http = RawHttp.connect(gw.port())) {
        http.send(chunked(route, body) + SECOND);
        assertEquals(200, http.read().status());
        assertEquals(200, http.read().status(), "the request after a well-formed body is served");
      }
      RecordingBackend.Request first = backend.next(Duration.ofSeconds(5));
      assertEquals("hello, world", first.bodyText());
      assertEquals("/files/second", backend.next(Duration.ofSeconds(5)).target());
    }
  }

  @Test
  void aLargeChunkSizeWithinSixteenDigitsIsReadAsItIs() {
    // 0x10000 = 65536 bytes, split over many reads: the size is not cut to fewer bits
    String data = "x".repeat(65536);
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(chunked("/p/files/big", "0000000000010000\r\n" + data + "\r\n0\r\n\r\n"));
      assertEquals(200, http.read().status());
    }
    assertEquals(65536, backend.next(Duration.ofSeconds(5)).body().length);
  }

  @Test
  void aRequestPipelinedAfterARefusedChunkedRequestNeverReachesTheBackend() {
    // the mock answers without reading the body; what follows the body cannot be trusted
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(chunked("/p/nothing-here", "5\r\nhello\r\n0\r\n\r\n") + SECOND);
      assertGatewayError(404, http.read());
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "the connection stays open after an unread chunked body");
    }
    assertTrue(backend.nothingWithin(Duration.ofMillis(300)), "the pipelined request reached the backend");
  }

  @Test
  void aMalformedBodyAfterTheResponseBeganClosesTheConnection() {
    // the mock answers at once; the malformed body that follows cannot change that answer
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(chunked("/p/mock", "100000005\r\nhello\r\n0\r\n\r\n") + SECOND);
      assertEquals(200, http.read().status());
      assertTrue(http.awaitClosed(Duration.ofSeconds(5)));
    }
    assertTrue(backend.nothingWithin(Duration.ofMillis(300)));
  }

  @Test
  void aMalformedBodyIsAClientErrorNotABackendFailure() {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(chunked("/p/files/x", "-5\r\nhello\r\n0\r\n\r\n"));
      RawHttp.Response r = http.read();
      assertGatewayError(400, r);
      assertFalse(r.text().contains("Bad Gateway"), r.text());
    }
  }
}
