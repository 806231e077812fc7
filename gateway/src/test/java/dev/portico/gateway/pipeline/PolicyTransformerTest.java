package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.ScriptedPolicies.DENY;
import static dev.portico.gateway.pipeline.ScriptedPolicies.TRACE;
import static dev.portico.gateway.pipeline.Wire.assertGatewayError;
import static dev.portico.gateway.pipeline.Wire.get;
import static dev.portico.gateway.pipeline.Wire.send;
import static dev.portico.gateway.pipeline.Wire.to;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transformers (docs/CONFIGURATION.md; {@link dev.portico.spi.Transformer}): {@code onMatch}
 * answers before the method check and the authorizers, {@code onResponse} sees the gateway's own
 * errors, {@code onRequest} can answer instead of the backend, bodies are buffered only when asked
 * for (bounded, replaceable), and everything else streams.
 */
class PolicyTransformerTest {

  private static final String ORIGIN = "https://app.example";
  private static final Journal journal = new Journal();
  private static Backend backend;
  private static TestGateway gw;
  /** Completed by a streaming test to let the backend finish what it is sending. */
  private static volatile CompletableFuture<Void> release = new CompletableFuture<>();
  /** Completed by the backend when the first chunk of a streamed request body reached it. */
  private static volatile CompletableFuture<Void> firstChunkArrived = new CompletableFuture<>();

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(PolicyTransformerTest::backend);
    gw = TestGateway.start("""
        apis:
          - name: tx
            basePath: /tx
            routes:
              - path: /items
                methods: [GET]
                integration: { type: http, uri: "%1$s/items" }
                policies:
                  - test-auth: { tag: auth }
                  - preflight: { origin: "%3$s" }
              - path: /dead
                methods: [GET]
                integration: { type: http, uri: "http://127.0.0.1:%2$d/nothing-listens" }
                policies:
                  - preflight: { origin: "%3$s" }
              - path: /answered
                integration: { type: http, uri: "%1$s/answered" }
                policies:
                  - answer: { status: 200, body: "from the gateway" }
                  - trace: { tag: after-answer }
              - path: /upload
                methods: [POST]
                integration: { type: http, uri: "%1$s/echo-body" }
                policies:
                  - body-rewrite: { requestLimit: 1KB }
              - path: /download/{size}
                integration: { type: http, uri: "%1$s/download/{size}" }
                policies:
                  - body-rewrite: { responseLimit: 1KB }
              - path: /plain/{what}
                integration: { type: http, uri: "%1$s/stream/{what}" }
              - path: /no-bodies-asked/{what}
                integration: { type: http, uri: "%1$s/stream/{what}" }
                policies:
                  - body-rewrite: {}
        """.formatted(backend.url(), TestGateway.freePort(), ORIGIN),
        new ScriptedPolicies.ScriptedAuthorizer(journal), new ScriptedPolicies.PreflightTransformer(journal),
        new ScriptedPolicies.AnsweringTransformer(), new ScriptedPolicies.TracingTransformer(journal),
        new ScriptedPolicies.BodyRewriter());
  }

  /**
   * {@code /echo-body}: answers the body it received; {@code /download/<n>[?chunked]}: n bytes of
   * 'x'; {@code /stream/download}: a first chunk, the rest once the test releases it;
   * {@code /stream/upload}: tells the test when the first chunk of the body arrived, answers the
   * length at the end; anything else: its path.
   */
  private static void backend(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    String path = req.path();
    if (path.equals("/echo-body")) {
      req.body().onSuccess(body -> resp.end(body));
    } else if (path.startsWith("/download/")) {
      Buffer body = Buffer.buffer("x".repeat(Integer.parseInt(path.substring("/download/".length()))));
      if (req.query() != null && req.query().contains("chunked")) {
        resp.setChunked(true);
        resp.write(body.slice(0, body.length() / 2));
        resp.end(body.slice(body.length() / 2, body.length()));
      } else {
        resp.end(body);
      }
    } else if (path.equals("/stream/download")) {
      Context context = Vertx.currentContext();
      resp.setChunked(true);
      resp.write("first-chunk\n");
      release.thenRun(() -> context.runOnContext(v -> resp.end("the rest\n")));
    } else if (path.equals("/stream/upload")) {
      long[] length = {0};
      req.handler(chunk -> {
        length[0] += chunk.length();
        firstChunkArrived.complete(null);
      });
      req.endHandler(v -> resp.end("received " + length[0]));
    } else {
      req.body().onSuccess(body -> resp.end(path));
    }
  }

  @AfterAll
  static void stop() {
    release.complete(null);
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    journal.clear();
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  // ---- onMatch, and onResponse on the gateway's own errors ------------------------------------

  @Test
  void onMatchAnswersAPreflightBeforeTheMethodCheckAndTheAuthorizers() {
    HttpResponse<String> response = send(to(gw, "/tx/items")
        .method("OPTIONS", BodyPublishers.noBody())
        .headers("Origin", ORIGIN, "Access-Control-Request-Method", "GET")
        .build());

    assertEquals(204, response.statusCode(), response::body);
    assertEquals("GET", response.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
    assertEquals(ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
    assertEquals(List.of("preflight"), journal.events()); // no authorizer ran
    assertEquals(0, backend.pending());
  }

  @Test
  void anAuthorizers401PassesThroughOnResponse() {
    HttpResponse<String> response = get(gw, "/tx/items", "Origin", ORIGIN, DENY, "authorize:401");

    assertGatewayError(response, 401, "denied by auth");
    assertEquals(ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals("true", response.headers().firstValue("X-From-Gateway").orElse(null));
  }

  @Test
  void the405OfARouteWithTransformersPassesThroughOnResponse() {
    HttpResponse<String> response = send(to(gw, "/tx/items")
        .method("DELETE", BodyPublishers.noBody())
        .header("Origin", ORIGIN)
        .build());

    assertGatewayError(response, 405, null);
    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    assertEquals(ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertFalse(journal.events().contains("authorize:auth"), journal.events()::toString);
  }

  @Test
  void aPreflightForAMethodWithoutARouteIsStillAnsweredByOnMatch() {
    HttpResponse<String> response = send(to(gw, "/tx/items")
        .method("OPTIONS", BodyPublishers.noBody())
        .headers("Origin", ORIGIN, "Access-Control-Request-Method", "DELETE")
        .build());

    // the CORS-like policy decides (this one answers every preflight); the gateway does not 405 first
    assertEquals(204, response.statusCode(), response::body);
    assertEquals(ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void a502OfARouteWithTransformersPassesThroughOnResponse() {
    HttpResponse<String> response = get(gw, "/tx/dead", "Origin", ORIGIN);

    assertGatewayError(response, 502, "Bad Gateway");
    assertEquals(ORIGIN, response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
  }

  @Test
  void a404HasNoRouteSoNoTransformerSeesIt() {
    HttpResponse<String> response = get(gw, "/tx/no-such-thing", "Origin", ORIGIN);

    assertGatewayError(response, 404, "Not Found");
    assertFalse(response.headers().firstValue("Access-Control-Allow-Origin").isPresent());
  }

  // ---- onRequest answering --------------------------------------------------------------------

  @Test
  void onRequestCanAnswerInsteadOfTheBackend() {
    HttpResponse<String> response = get(gw, "/tx/answered");

    assertEquals(200, response.statusCode());
    assertEquals("from the gateway", response.body());
    assertEquals("text/plain", response.headers().firstValue("Content-Type").orElse(null));
    assertEquals(List.of("response:after-answer"), response.headers().allValues(TRACE));
    assertFalse(journal.events().contains("request:after-answer"), journal.events()::toString);
    assertEquals(0, backend.pending());
  }

  // ---- bodies ---------------------------------------------------------------------------------

  @Test
  void aTransformerAskingForTheRequestBodyGetsItAndCanReplaceIt() {
    HttpResponse<String> response = send(to(gw, "/tx/upload").POST(BodyPublishers.ofString("hello")).build());

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("rewritten:hello", response.body());
    Backend.Received seen = backend.nextRequest();
    assertEquals("5", seen.headers().get("X-Seen-Body"));
    assertEquals("15", seen.headers().get("Content-Length"));
  }

  @Test
  void aChunkedRequestBodyIsBufferedForTheTransformerAndSentWithAContentLength() {
    HttpResponse<String> response = send(to(gw, "/tx/upload")
        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofString("chunked hello")))
        .build());

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("rewritten:chunked hello", response.body());
    Backend.Received seen = backend.nextRequest();
    assertEquals("23", seen.headers().get("Content-Length"));
    assertFalse(seen.headers().contains("Transfer-Encoding"));
  }

  @Test
  void aRequestBodyOverTheTransformersLimitIs413() {
    HttpResponse<String> withLength = send(to(gw, "/tx/upload").POST(BodyPublishers.ofString("y".repeat(2048))).build());
    assertGatewayError(withLength, 413, null);

    HttpResponse<String> chunked = send(to(gw, "/tx/upload")
        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofString("y".repeat(2048))))
        .build());
    assertGatewayError(chunked, 413, null);
    assertEquals(0, backend.pending());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/tx/download/100", "/tx/download/100?chunked"})
  void aTransformerAskingForTheResponseBodyGetsItAndCanReplaceIt(String path) {
    HttpResponse<String> response = get(gw, path);

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("100", response.headers().firstValue("X-Seen-Body").orElse(null));
    assertEquals("{\"rewritten\":100}", response.body());
    assertEquals(String.valueOf(response.body().length()), response.headers().firstValue("Content-Length").orElse(null));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/tx/download/5000", "/tx/download/5000?chunked"})
  void aResponseBodyOverTheTransformersLimitPassesThroughUntouched(String path) {
    HttpResponse<String> response = get(gw, path);

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("none", response.headers().firstValue("X-Seen-Body").orElse(null));
    assertEquals("x".repeat(5000), response.body());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/tx/plain", "/tx/no-bodies-asked"})
  void aResponseStreamsWhenNoTransformerAsksForIt(String route) throws Exception {
    release = new CompletableFuture<>();
    try {
      HttpResponse<InputStream> response = Wire.HTTP.send(to(gw, route + "/download").build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, response.statusCode());
      try (InputStream body = response.body()) {
        // the first chunk arrives while the backend is still holding the rest back
        byte[] first = CompletableFuture.supplyAsync(() -> readExactly(body, "first-chunk\n".length()))
            .get(10, TimeUnit.SECONDS);
        assertEquals("first-chunk\n", new String(first, StandardCharsets.UTF_8));
        release.complete(null);
        assertEquals("the rest\n", new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
    } finally {
      release.complete(null);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/tx/plain", "/tx/no-bodies-asked"})
  void aRequestBodyStreamsWhenNoTransformerAsksForIt(String route) throws Exception {
    firstChunkArrived = new CompletableFuture<>();
    // A raw socket: java.net.http holds a streamed request body back, which would prove nothing.
    try (Socket socket = new Socket("127.0.0.1", gw.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + route + "/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
          + "Connection: close\r\n\r\nb\r\nfirst part;\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the backend has the first part while the client still holds the rest back
      firstChunkArrived.get(10, TimeUnit.SECONDS);
      out.write("b\r\nsecond part\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(response.startsWith("HTTP/1.1 200 "), response);
      assertTrue(response.endsWith("received 22"), response);
    }
  }

  private static byte[] readExactly(InputStream in, int n) {
    try {
      return in.readNBytes(n);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
