package dev.portico.plugins.body;

import static dev.portico.plugins.body.Client.errorMessage;
import static dev.portico.plugins.body.Client.post;
import static dev.portico.plugins.body.Client.postJson;
import static dev.portico.plugins.body.Client.sha256;
import static dev.portico.plugins.body.Client.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code body} plugin through a real gateway to a real backend that echoes the body it received
 * (with its Content-Type) and reports, in headers, its length, its SHA-256 and the Content-Length
 * it was sent with: what the backend and the client see of the rewritten bodies.
 */
class BodyGatewayTest {

  private static Backend backend;
  private static TestGateway gw;

  @BeforeAll
  static void start() {
    backend = Backend.start().handler(BodyGatewayTest::echoBody);
    gw = TestGateway.start("""
        apis:
          - name: shop
            basePath: /shop
            stages:
              $default: { variables: { version: v2 } }
            routes:
              - path: /orders/{id}
                integration: { type: http, uri: "%1$s/orders/{id}" }
                policies:
                  - test-user: {}
                  - body:
                      request:
                        user: "${principal.id}"
                        tenant: "${principal.tenant}"
                        kind: "${request.header.X-Kind}"
                        color: "${request.query.color}"
                        id: "${request.path.id}"
                        version: "${stage.version}"
                        requestId: "${requestId}"
                        count: "${body.count}"
                        ok: "${body.flags.ok}"
                        tags: "${body.tags}"
                        second: "${body.items[1].name}"
                        owner: "${body.owner}"
                        note: "${body.count} for ${principal.id} (${body.flags.ok})"
                        missing: "${body.nope}"
                        constants: [1, "two", true, null, { a: [3] }]
              - path: /required
                integration: { type: http, uri: "%1$s/required" }
                policies:
                  - body: { request: { ref: "${body.ref!}" } }
              - path: /reply
                integration: { type: http, uri: "%1$s/reply" }
                policies:
                  - body:
                      response:
                        name: "${body.pet.name}"
                        tags: "${body.pet.tags}"
                        first: "${body.pet.tags[0]}"
                        asked: "${request.header.X-Kind}"
                        summary: "${body.pet.name} has ${body.pet.legs} legs"
              - path: /reply-required
                integration: { type: http, uri: "%1$s/reply-required" }
                policies:
                  - body: { response: { id: "${body.id!}" } }
              - path: /both
                integration: { type: http, uri: "%1$s/both" }
                policies:
                  - body:
                      request: { wrapped: "${body}" }
                      response: { unwrapped: "${body.wrapped}" }
              - path: /small
                integration: { type: http, uri: "%1$s/small" }
                policies:
                  - body: { request: { v: "${body.v}" }, maxSize: 1KB }
              - path: /small-reply
                integration: { type: http, uri: "%1$s/small-reply" }
                policies:
                  - body: { response: { v: "${body.v}" }, maxSize: 1KB }
              - path: /mock
                integration: { type: mock, status: 200, body: { pets: [ { name: Rex }, { name: Tom } ], total: 2 } }
                policies:
                  - body: { response: { first: "${body.pets[0].name}", count: "${body.total}" } }
        """.formatted(backend.url()), new TestUser());
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  /** Answers with the body it received, its Content-Type, and what it measured of it. */
  private static void echoBody(HttpServerRequest req) {
    String status = req.getHeader("X-Echo-Status");
    req.body().onSuccess(body -> req.response()
        .setStatusCode(status == null ? 200 : Integer.parseInt(status))
        .putHeader("Content-Type", String.valueOf(req.getHeader("Content-Type")))
        .putHeader("X-Received-Length", String.valueOf(body.length()))
        .putHeader("X-Received-Content-Length", String.valueOf(req.getHeader("Content-Length")))
        .putHeader("X-Received-Sha256", sha256(body.getBytes()))
        .end(body));
  }

  private static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  @Test
  void requestTemplateReadsEveryNamespaceAndKeepsJsonTypes() {
    HttpResponse<byte[]> response = postJson(gw, "/shop/orders/7?color=red", """
        {"count": 3, "flags": {"ok": true}, "tags": ["a", "b"], "items": [{"name": "x"}, {"name": "y"}],
         "owner": {"name": "bob"}, "ignored": "dropped"}""",
        "X-Kind", "cat", "X-Request-Id", "req-42");

    assertEquals(200, response.statusCode(), () -> text(response));
    JsonObject expected = new JsonObject()
        .put("user", "alice")
        .put("tenant", "acme")
        .put("kind", "cat")
        .put("color", "red")
        .put("id", "7")
        .put("version", "v2")
        .put("requestId", "req-42")
        .put("count", 3)
        .put("ok", true)
        .put("tags", new JsonArray().add("a").add("b"))
        .put("second", "y")
        .put("owner", new JsonObject().put("name", "bob"))
        .put("note", "3 for alice (true)")
        .putNull("missing")
        .put("constants", new JsonArray().add(1).add("two").add(true).addNull()
            .add(new JsonObject().put("a", new JsonArray().add(3))));
    assertEquals(expected, new JsonObject(text(response)), "what the backend received");
  }

  @Test
  void theBackendGetsAContentLengthThatMatchesTheRewrittenBody() {
    HttpResponse<byte[]> response = postJson(gw, "/shop/both", "{\"a\": \"" + "x".repeat(100) + "\"}");

    assertEquals(200, response.statusCode(), () -> text(response));
    String received = header(response, "X-Received-Length");
    assertEquals(received, header(response, "X-Received-Content-Length"), "Content-Length sent to the backend");
    assertEquals(new JsonObject().put("wrapped", new JsonObject().put("a", "x".repeat(100))).encode().length(),
        Integer.parseInt(received));
  }

  @Test
  void responseTemplateReadsTheBackendsBodyAndTheClientGetsTheRightContentLength() {
    HttpResponse<byte[]> response = postJson(gw, "/shop/reply",
        "{\"pet\": {\"name\": \"Rex\", \"legs\": 4, \"tags\": [\"good\", \"dog\"], \"secret\": \"s\"}}", "X-Kind", "dog");

    assertEquals(200, response.statusCode(), () -> text(response));
    JsonObject expected = new JsonObject()
        .put("name", "Rex")
        .put("tags", new JsonArray().add("good").add("dog"))
        .put("first", "good")
        .put("asked", "dog")
        .put("summary", "Rex has 4 legs");
    assertEquals(expected, new JsonObject(text(response)));
    assertEquals(String.valueOf(response.body().length), header(response, "Content-Length"));
    assertEquals("application/json", header(response, "Content-Type"));
  }

  @Test
  void requestAndResponseTemplatesOnOneRouteRoundTrip() {
    HttpResponse<byte[]> response = postJson(gw, "/shop/both", "[1, {\"b\": null}]");

    assertEquals(200, response.statusCode(), () -> text(response));
    assertEquals(new JsonObject().put("unwrapped", new JsonArray().add(1).add(new JsonObject().putNull("b"))),
        new JsonObject(text(response)));
  }

  @Test
  void jsonSubtypesAndCharsetParametersAreRewrittenToo() {
    HttpResponse<byte[]> response = post(gw, "/shop/both", "application/vnd.shop+json; charset=utf-8",
        "{\"n\": 1}".getBytes(StandardCharsets.UTF_8));

    assertEquals(200, response.statusCode(), () -> text(response));
    assertEquals(new JsonObject().put("unwrapped", new JsonObject().put("n", 1)), new JsonObject(text(response)));
  }

  @Test
  void aMissingRequiredValueIs400NamingItAndTheBackendIsNotCalled() {
    String message = errorMessage(postJson(gw, "/shop/required", "{\"other\": 1}"), 400);

    assertTrue(message.contains("body.ref is required"), message);
    assertEquals(0, backend.pending());
  }

  @Test
  void anInvalidJsonRequestBodyIs400SayingSo() {
    String message = errorMessage(postJson(gw, "/shop/required", "{\"ref\": "), 400);

    assertTrue(message.contains("request body is not valid JSON"), message);
    assertEquals(0, backend.pending());
  }

  @Test
  void aFiveMegabyteNonJsonBodyStreamsThroughUntouchedBothWays() {
    byte[] body = new byte[5 * 1024 * 1024];
    new Random(5).nextBytes(body);

    HttpResponse<byte[]> response = post(gw, "/shop/both", "application/octet-stream", body);

    assertEquals(200, response.statusCode());
    assertEquals(sha256(body), header(response, "X-Received-Sha256"), "what the backend received");
    assertEquals(sha256(body), sha256(response.body()), "what the client received back");
    assertEquals("application/octet-stream", header(response, "Content-Type"));
  }

  @Test
  void aJsonRequestBodyOverMaxSizeIs413() {
    String big = "{\"v\": \"" + "x".repeat(2000) + "\"}";

    errorMessage(postJson(gw, "/shop/small", big), 413);
    assertEquals(0, backend.pending());

    HttpResponse<byte[]> small = postJson(gw, "/shop/small", "{\"v\": 1, \"w\": 2}");
    assertEquals("{\"v\":1}", text(small));
  }

  @Test
  void aJsonResponseOverMaxSizePassesThroughUntouched() {
    String big = "{\"v\": \"" + "x".repeat(2000) + "\", \"w\": 1}";

    HttpResponse<byte[]> response = postJson(gw, "/shop/small-reply", big);

    assertEquals(200, response.statusCode());
    assertEquals(big, text(response));
    assertEquals("{\"v\":1}", text(postJson(gw, "/shop/small-reply", "{\"v\": 1, \"w\": 2}")));
  }

  @Test
  void aBackendErrorResponseIsNotReshaped() {
    String error = "{\"error\": \"out of stock\"}";

    HttpResponse<byte[]> response = postJson(gw, "/shop/reply", error, "X-Echo-Status", "409");

    assertEquals(409, response.statusCode());
    assertEquals(error, text(response));
  }

  @Test
  void aResponseThatIsNotJsonDespiteItsContentTypeIs502() {
    String message = errorMessage(post(gw, "/shop/reply", "application/json; charset=utf-8",
        "not json".getBytes(StandardCharsets.UTF_8)), 502);
    // the request itself was not read (no request template), so only the response is judged
    assertTrue(message.contains("response body is not valid JSON"), message);
  }

  @Test
  void aMockIntegrationsBodyIsReshaped() {
    HttpResponse<byte[]> response = Client.get(gw, "/shop/mock");

    assertEquals(200, response.statusCode(), () -> text(response));
    assertEquals(new JsonObject().put("first", "Rex").put("count", 2), new JsonObject(text(response)));
    assertEquals(String.valueOf(response.body().length), header(response, "Content-Length"));
  }

  @Test
  void aRequestWithoutABodyIsLeftAlone() {
    HttpResponse<byte[]> response = post(gw, "/shop/required", "application/json", new byte[0]);

    assertEquals(200, response.statusCode(), () -> text(response));
    assertArrayEquals(new byte[0], response.body());
    assertTrue(Arrays.asList("0", "null").contains(header(response, "X-Received-Length")));
  }

  @Test
  void aChunkedJsonRequestReachesTheBackendRewrittenWithAContentLength() {
    HttpRequest request = HttpRequest.newBuilder(gw.uri("/shop/both"))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream("{\"n\": [1, 2]}".getBytes(StandardCharsets.UTF_8))))
        .build();
    HttpResponse<byte[]> response = Client.send(request);

    assertEquals(200, response.statusCode(), () -> text(response));
    assertEquals(header(response, "X-Received-Length"), header(response, "X-Received-Content-Length"));
    assertEquals(new JsonObject().put("unwrapped", new JsonObject().put("n", new JsonArray().add(1).add(2))),
        new JsonObject(text(response)));
  }

  @Test
  void aRequiredValueMissingFromTheBackendsBodyIs400NamingIt() {
    String message = errorMessage(postJson(gw, "/shop/reply-required", "{\"other\": 1}"), 400);

    assertTrue(message.contains("body.id is required"), message);
  }
}
