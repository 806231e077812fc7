package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.ScriptedPolicies.BREAK;
import static dev.portico.gateway.pipeline.ScriptedPolicies.NOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a request can put into the log (docs/OPERATING.md, "Logging"): never its query string nor
 * a credential from its headers, and no control character unescaped, on every path that logs on
 * its behalf: a backend that refuses (502, a warning), a plugin that throws (500, an error with its
 * stack trace), the access log, and requests refused before a route is chosen. Checked on the
 * lines as the test configuration's console appender writes them, which uses the converters of
 * {@code conf/logback.xml}.
 */
class LogHygieneTest {

  private static final String SECRET = "secret123";
  private static final String CREDENTIALS = "?api_key=" + SECRET + "&token=abc";
  private static final String AUTHORIZATION = "Authorization: Bearer " + SECRET;

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start();
    gw = TestGateway.start("""
        apis:
          - name: logs
            basePath: /logs
            routes:
              - path: /refused
                integration: { type: http, uri: "http://127.0.0.1:%1$d/refused" }
              - path: /refused/{rest+}
                integration: { type: http, uri: "http://127.0.0.1:%1$d/refused/{rest}" }
              - path: /plugin
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - trace: { tag: tx }
              - path: /moved
                integration: { type: http, uri: "%2$s/moved" }
                policies:
                  - path-from-header: {}
        """.formatted(TestGateway.freePort(), backend.url()),
        new ScriptedPolicies.TracingTransformer(new Journal()), new PathFromHeader());
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  /** {@code path-from-header: {}}: sends the request on to the path in its {@code X-Path} header, unchecked. */
  static final class PathFromHeader implements PolicyFactory<Object> {
    @Override
    public String name() {
      return "path-from-header";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public Object parse(ConfigReader config) {
      return Boolean.TRUE;
    }

    @Override
    public Policy create(Object config, PolicyEnvironment env) {
      return new Transformer() {
        @Override
        public Future<Void> onRequest(RequestContext ctx) {
          ctx.request().pathOverride(ctx.request().headers().get("X-Path"));
          return Future.succeededFuture();
        }
      };
    }
  }

  /** Sends a request head as given (ISO-8859-1, so any byte can be written) and reads the answer. */
  private static RawHttp.Response exchange(String target, String... headerLines) {
    try (RawHttp http = RawHttp.connect(gw.port())) {
      StringBuilder head = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: gw\r\n");
      for (String line : headerLines) {
        head.append(line).append("\r\n");
      }
      return http.send(head.append("\r\n").toString()).read();
    }
  }

  @Test
  void aBackendThatRefusesIsLoggedWithoutTheQueryOrACredential() {
    try (LogCapture logs = LogCapture.capture()) {
      RawHttp.Response r = exchange("/logs/refused" + CREDENTIALS, AUTHORIZATION);

      assertEquals(502, r.status(), RawHttp.describe(r));
      String requestId = r.header("X-Request-Id");
      List<String> warnings = logs.alarms();
      assertTrue(warnings.stream().anyMatch(w -> w.contains(requestId) && w.contains("/logs/refused")), warnings::toString);
      awaitAccessLine(logs, requestId);
      assertNothingLeaked(logs);
    }
  }

  @Test
  void aBackendRequestThatCannotBeWrittenIsLoggedWithoutTheQuery() {
    try (LogCapture logs = LogCapture.capture()) {
      // a space in the path: Netty refuses the request line, and its message quotes all of it
      RawHttp.Response r = exchange("/logs/moved" + CREDENTIALS, AUTHORIZATION, "X-Path: /a b");

      assertEquals(502, r.status(), RawHttp.describe(r));
      List<String> warnings = logs.alarms();
      assertTrue(warnings.stream().anyMatch(w -> w.contains(r.header("X-Request-Id"))
          && w.contains("could not be written to the backend")), warnings::toString);
      assertEquals(0, backend.pending(), "nothing reached the backend");
      assertNothingLeaked(logs);
    }
  }

  @Test
  void aPluginThatThrowsIsLoggedWithoutTheQueryOrACredential() {
    try (LogCapture logs = LogCapture.capture()) {
      RawHttp.Response r = exchange("/logs/plugin" + CREDENTIALS, AUTHORIZATION, BREAK + ": onRequest:throw");

      assertEquals(500, r.status(), RawHttp.describe(r));
      assertEquals(1, logs.errors().size(), logs.errors()::toString);
      awaitAccessLine(logs, r.header("X-Request-Id"));
      assertNothingLeaked(logs);
    }
  }

  @Test
  void controlCharactersAPluginQuotesIntoItsExceptionAreEscaped() {
    try (LogCapture logs = LogCapture.capture()) {
      // a tab and CSI (0x9b, a C1 control that terminals obey) are bytes a header value may hold
      RawHttp.Response r = exchange("/logs/plugin" + CREDENTIALS, AUTHORIZATION, BREAK + ": onRequest:throw-quoting",
          NOTE + ": a\tb\u009b2J");

      assertEquals(500, r.status(), RawHttp.describe(r));
      String written = String.join("", logs.written());
      assertTrue(written.contains("cannot handle a\\u0009b\\u009b2J"), written);
      assertNothingLeaked(logs);
    }
  }

  @Test
  void controlBytesInARequestTargetNeverReachTheLogRaw() {
    try (LogCapture logs = LogCapture.capture()) {
      for (String target : List.of("/logs/refused/a\u001b[31mred" + CREDENTIALS, "/logs/refused/nul\u0000" + CREDENTIALS,
          "/logs/refused/del\u007f" + CREDENTIALS, "/logs/refused/ok" + CREDENTIALS + "\u0001")) {
        RawHttp.Response r = exchange(target, AUTHORIZATION);
        assertTrue(r.status() >= 400, RawHttp.describe(r)); // refused at the door, or the backend's 502
      }
      assertNothingLeaked(logs);
    }
  }

  @Test
  void aQueryStringThatCannotBeDecodedIs400AndLogsNothingAlarming() {
    try (LogCapture logs = LogCapture.capture()) {
      // the trace policy reads the request, so the query is decoded for it
      for (String query : List.of("?api_key=" + SECRET + "%zz", "?api_key=" + SECRET + "%", "?" + SECRET + "%u002e=1")) {
        RawHttp.Response r = exchange("/logs/plugin" + query, AUTHORIZATION);
        assertEquals(400, r.status(), RawHttp.describe(r));
      }
      assertEquals(List.of(), logs.alarms());
      assertNothingLeaked(logs);
    }
  }

  @Test
  void requestsTheDecoderRefusesLeaveNothingInTheLog() {
    try (LogCapture logs = LogCapture.capture()) {
      RawHttp.Response badHeader = exchange("/logs/refused" + CREDENTIALS, AUTHORIZATION, "X-Bad\u0001Name: " + SECRET);
      assertEquals(400, badHeader.status(), RawHttp.describe(badHeader));
      RawHttp.Response badValue = exchange("/logs/refused" + CREDENTIALS, AUTHORIZATION, "X-Bad: " + SECRET + "\u0001");
      assertEquals(400, badValue.status(), RawHttp.describe(badValue));
      assertNothingLeaked(logs);
    }
  }

  /** The access line is written once the response is sent, so it can come after the client has it. */
  private static void awaitAccessLine(LogCapture logs, String requestId) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (logs.written().stream().noneMatch(l -> l.contains("portico.access") && l.contains(requestId))) {
      if (System.nanoTime() > deadline) {
        fail("no access line for " + requestId + " in " + logs.written());
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /**
   * No written line holds the secret or the query, nor a control character other than the line
   * breaks that end lines and the tabs that start a stack trace's frames.
   */
  private static void assertNothingLeaked(LogCapture logs) {
    List<String> written = logs.written();
    for (String entry : written) {
      assertFalse(entry.contains(SECRET), () -> "a secret in the log: " + entry);
      assertFalse(entry.contains("token=abc"), () -> "a query in the log: " + entry);
      for (String line : entry.split("\n")) {
        String text = line.replaceFirst("^\t+", "");
        for (int i = 0; i < text.length(); i++) {
          char c = text.charAt(i);
          if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
            fail(String.format("raw control character 0x%02x in the log: %s", (int) c, entry));
          }
        }
      }
    }
  }
}
