package dev.portico.gateway.routing;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.RecordingBackend;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.gateway.testing.TestTransformers;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * What a client may put in the request target and the {@code Host} header, over raw sockets against
 * a real gateway and a backend that records the exact bytes it receives: a target that cannot be
 * decoded or holds control bytes is 400 at once (never a hang, a 500 or a stack trace in the log);
 * raw non-ASCII bytes reach the backend percent-encoded exactly once; {@code Host} must be one valid
 * {@code host[:port]}.
 */
class RequestTargetHygieneTest {

  private static RecordingBackend backend;
  private static TestGateway gw;

  /** A transformer that reads the query, as many policies do ({@code ${request.query.x}}, validate, rewrite). */
  private static final Transformer READS_QUERY = new Transformer() {
    @Override
    public Future<Void> onRequest(RequestContext ctx) {
      ctx.request().headers().set("X-Seen-Q", String.valueOf(ctx.request().query().get("q")));
      return Future.succeededFuture();
    }
  };

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
              - path: /query/{proxy+}
                integration: { type: http, uri: "%1$s/query/{proxy}" }
                policies:
                  - reads-query: {}
        """.formatted(backend.url()), TestTransformers.named("reads-query", READS_QUERY));
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

  private static RawHttp.Response send(byte[] request) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      http.send(request);
      return http.read();
    }
  }

  private static RawHttp.Response get(String target) {
    return send(("GET " + target + " HTTP/1.1\r\nHost: gateway\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/p/files/%zz", "/p/files/%", "/p/files/a%2", "/p/files/%u002e", "/p/files/%%32%65",
      "/p/files/x?q=%zz", "/p/files/x?q=%", "/p/query/x?q=%zz", "/p/query/x?api_key=secret-value&q=%G1",
  })
  void undecodableTargetsAreRefusedAtOnceWithoutAStackTrace(String target) {
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      RawHttp.Response r = get(target);
      assertGatewayError(400, r);
      assertTrue(backend.nothingWithin(Duration.ofMillis(200)));
      for (ILoggingEvent e : logs.list) {
        assertNull(e.getThrowableProxy(), "a stack trace was logged: " + e.getFormattedMessage());
        assertTrue(!e.getFormattedMessage().contains("secret-value"), "the query was logged: " + e.getFormattedMessage());
      }
    } finally {
      stopCapture(logs);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x01, 0x08, 0x0b, 0x1b, 0x1f, 0x7f})
  void controlBytesInTheTargetAreRefused(int control) {
    for (String template : new String[] {"/p/files/a%sb", "/p/files/x?q=a%sb"}) {
      String target = template.formatted((char) control);
      assertEquals(400, get(target).status(), "target with byte " + control);
    }
    assertTrue(backend.nothingWithin(Duration.ofMillis(200)));
  }

  @Test
  void rawNonAsciiReachesTheBackendEncodedExactlyOnce() {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes("GET /p/files/caf".getBytes(StandardCharsets.US_ASCII));
    request.writeBytes("é".getBytes(StandardCharsets.UTF_8));
    request.writeBytes("?q=".getBytes(StandardCharsets.US_ASCII));
    request.writeBytes("ü".getBytes(StandardCharsets.UTF_8));
    request.writeBytes(" HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(200, send(request.toByteArray()).status());
    assertEquals("/files/caf%C3%A9?q=%C3%BC", backend.next(Duration.ofSeconds(5)).target());
  }

  @Test
  void aPolicyReadsNonAsciiQueryValuesAsTheClientMeantThem() {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes("GET /p/query/x?q=".getBytes(StandardCharsets.US_ASCII));
    request.writeBytes("é".getBytes(StandardCharsets.UTF_8));
    request.writeBytes(" HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(200, send(request.toByteArray()).status());
    RecordingBackend.Request r = backend.next(Duration.ofSeconds(5));
    assertEquals("é", r.header("X-Seen-Q")); // the policy saw one character, sent on as one ISO-8859-1 byte
  }

  @Test
  void encodedTargetsThatAreReadablePassAsSent() {
    assertEquals(200, get("/p/files/report%20final.pdf?q=a%20b&x=%2F").status());
    assertEquals("/files/report%20final.pdf?q=a%20b&x=%2F", backend.next(Duration.ofSeconds(5)).target());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Host: a.example\r\nHost: b.example",
      "Host: a.example\r\nHost: a.example",
      "Host: user@evil.example:80",
      "Host: evil.example/path",
      "Host: evil.example:80:81",
      "Host: evil.example:99999",
      "Host: evil example",
      "Host: [::1",
  })
  void aMissingOrInvalidOrRepeatedHostIsRefused(String hostLines) {
    RawHttp.Response r = send(("GET /p/files/x HTTP/1.1\r\n" + hostLines + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    assertGatewayError(400, r);
    assertTrue(backend.nothingWithin(Duration.ofMillis(200)));
  }

  @Test
  void anHttp11RequestWithoutHostIsRefusedAndHttp10MayOmitIt() {
    assertGatewayError(400, send("GET /p/files/x HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(200, send("GET /p/files/x HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).status());
    backend.next(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"api.example.com", "api.example.com:8443", "127.0.0.1:80", "[::1]:8080", "[::1]", "xn--caf-dma.example"})
  void validHostsAreForwardedAsXForwardedHost(String host) {
    RawHttp.Response r = send(("GET /p/files/x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    assertEquals(200, r.status());
    assertEquals(host, backend.next(Duration.ofSeconds(5)).header("X-Forwarded-Host"));
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    return appender;
  }

  private static void stopCapture(ListAppender<ILoggingEvent> appender) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(appender);
    appender.stop();
  }
}
