package dev.portico.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.RecordingBackend;
import dev.portico.gateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random request targets and chunked framings against a real gateway over raw sockets, with a
 * backend that records the exact bytes it receives: the gateway answers every one (never a hang)
 * with a status that is not 5xx, and a backend only ever receives what the client sent as one
 * request — a well-formed body whole, and never a request pipelined behind a refused one.
 */
class RequestFramingProperties {

  private static RecordingBackend backend;
  private static TestGateway gw;

  @BeforeContainer
  static void start() {
    backend = RecordingBackend.start();
    gw = TestGateway.start("""
        server:
          instances: 1
          bodyTimeout: 2s
        apis:
          - name: files
            basePath: /p
            routes:
              - path: /files/{proxy+}
                integration: { type: http, uri: "%s/files/{proxy}" }
        """.formatted(backend.url()));
  }

  @AfterContainer
  static void stop() {
    gw.close();
    backend.close();
  }

  @AfterTry
  void forget() {
    backend.clear();
  }

  @Provide
  Arbitrary<String> targets() {
    Arbitrary<String> pieces = Arbitraries.oneOf(
        Arbitraries.of("..", ".", "%2e", "%2E", "%2f", "%5c", ";", "..;", "%2e%2e", ".%2e", "%zz", "%", "%u002e",
            "é", "/", "a", "?", "&", "=", "#", "%00", "%20", "+"),
        Arbitraries.chars().range('\u0000', '\u00ff').filter(c -> c != ' ' && c != '\r' && c != '\n').map(String::valueOf));
    return pieces.list().ofMaxSize(16).map(list -> "/p/files/" + String.join("", list));
  }

  @Property(tries = 300)
  void anyTargetIsAnsweredWithoutA5xxAndReachesTheBackendClean(@ForAll("targets") String target) {
    RawHttp.Response r;
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(("GET " + target + " HTTP/1.1\r\nHost: gateway\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      r = http.read(); // at most 10 s: a hang fails here
    }
    assertTrue(Set.of(200, 400, 404, 414).contains(r.status()), "status " + r.status() + " for " + target);
    if (r.status() == 200) {
      String forwarded = backend.next(Duration.ofSeconds(5)).target();
      String path = forwarded.contains("?") ? forwarded.substring(0, forwarded.indexOf('?')) : forwarded;
      assertTrue(path.startsWith("/files/"), "climbed out of the route's prefix: " + forwarded);
      for (char c : forwarded.toCharArray()) {
        assertTrue(c > 0x20 && c < 0x7f, "raw byte " + (int) c + " reached the backend: " + forwarded);
      }
    }
  }

  @Provide
  Arbitrary<ChunkedEncodings.Encoded> bodies() {
    return ChunkedEncodings.any();
  }

  @Property(tries = 200)
  void anyChunkedFramingIsServedWholeOrRefusedAndNothingSlipsBehindIt(@ForAll("bodies") ChunkedEncodings.Encoded body) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes("POST /p/files/upload HTTP/1.1\r\nHost: gateway\r\nTransfer-Encoding: chunked\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    wire.writeBytes(body.wire());
    wire.writeBytes("GET /p/files/behind HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(wire.toByteArray());
      RawHttp.Response first = http.read();
      if (body.valid()) {
        assertEquals(200, first.status(), body.toString());
        assertEquals(200, http.read().status(), "the request behind a valid body");
        RecordingBackend.Request upload = backend.next(Duration.ofSeconds(5));
        assertEquals("/files/upload", upload.target());
        assertArrayEquals(body.data(), upload.body());
        assertEquals("/files/behind", backend.next(Duration.ofSeconds(5)).target());
      } else {
        assertEquals(400, first.status(), body.toString());
        assertTrue(http.awaitClosed(Duration.ofSeconds(5)), "open after " + body.how());
      }
    }
    assertTrue(backend.nothingWithin(Duration.ofMillis(body.valid() ? 50 : 150)), "more reached the backend: " + body);
  }
}
