package dev.portico.plugins.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code validate} plugin through a real gateway to a real backend that records the bodies it
 * receives: what passes arrives unchanged, what fails is a 400 naming the field and never reaches
 * the backend.
 */
class ValidateGatewayTest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private static final String PETS_SCHEMA = """
      {
        "type": "object",
        "required": ["pets"],
        "properties": {
          "limit": { "type": "integer", "maximum": 10 },
          "pets": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["name"],
              "properties": { "name": { "type": "string", "minLength": 1 } }
            }
          }
        }
      }
      """;

  @TempDir
  static Path dir;

  private static Backend backend;
  private static TestGateway gw;
  private static final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws IOException {
    backend = Backend.start().handler(req -> req.body().onSuccess(body -> {
      bodies.add(body.toString(StandardCharsets.UTF_8));
      req.response().putHeader("Content-Type", "text/plain").end("got it");
    }));
    Path schemaFile = dir.resolve("pets.schema.json");
    Files.writeString(schemaFile, PETS_SCHEMA);
    gw = TestGateway.start("""
        server: { instances: 1, maxBodySize: 4KB }
        apis:
          - name: pets
            basePath: /v
            routes:
              - path: /inline
                integration: { type: http, uri: "%1$s/inline" }
                policies:
                  - validate:
                      schema:
                        type: object
                        required: [pets]
                        properties:
                          pets:
                            type: array
                            items: { type: object, required: [name], properties: { name: { type: string } } }
              - path: /file
                integration: { type: http, uri: "%1$s/file" }
                policies:
                  - validate: { schema: "file:%2$s" }
              - path: /search
                integration: { type: http, uri: "%1$s/search" }
                policies:
                  - validate: { requiredQuery: [limit, q], requiredHeaders: [X-Tenant] }
        """.formatted(backend.url(), schemaFile.toAbsolutePath()), new ValidateFactory());
  }

  @AfterAll
  static void stop() {
    gw.close();
    backend.close();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    bodies.clear();
    while (backend.pending() > 0) {
      backend.nextRequest();
    }
  }

  private static HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> postJson(String path, String body) {
    return send("POST", path, body, "Content-Type", "application/json");
  }

  /** Asserts the gateway's own JSON 400 and returns its message; the backend saw nothing. */
  private static String refusal(HttpResponse<String> response) {
    String context = response.statusCode() + " " + response.headers().map() + " " + response.body();
    assertEquals(400, response.statusCode(), context);
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null), context);
    JsonObject error = new JsonObject(response.body());
    assertEquals(400, error.getInteger("status"), context);
    assertEquals(0, backend.pending(), "the backend must not be called: " + context);
    return error.getString("message");
  }

  private static String receivedBody() throws InterruptedException {
    String body = bodies.poll(10, TimeUnit.SECONDS);
    assertNotNull(body, "the backend received no body within 10 s");
    return body;
  }

  @Test
  void aValidBodyReachesTheBackendByteForByte() throws InterruptedException {
    // odd spacing, key order and a unicode escape: re-encoding would change them
    String body = "{ \"pets\" : [ {\"name\":\"Rex\",\"age\":3}, {\"name\":\"caf\\u00e9\"} ],\n \"extra\": true }";

    HttpResponse<String> response = postJson("/v/inline", body);

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("got it", response.body());
    assertEquals(body, receivedBody());
  }

  @Test
  void aMissingRequiredPropertyIsNamedWithItsArrayIndex() {
    String message = refusal(postJson("/v/inline", "{\"pets\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"age\":1}]}"));

    assertEquals("body.pets[2].name: required", message);
  }

  @Test
  void aMissingTopLevelPropertyIsNamedUnderBody() {
    assertEquals("body.pets: required", refusal(postJson("/v/inline", "{}")));
  }

  @Test
  void aValueOfTheWrongTypeNamesTheFieldAndTheRule() {
    String message = refusal(postJson("/v/inline", "{\"pets\":[{\"name\":5}]}"));

    assertEquals("body.pets[0].name: type (Instance type number is invalid. Expected string)", message);
  }

  @Test
  void aBodyThatIsNotJsonIsRefused() {
    assertEquals("body: not valid JSON", refusal(postJson("/v/inline", "{\"pets\": [")));
  }

  @Test
  void aBodyOfAnotherMediaTypeIsRefused() {
    String message = refusal(send("POST", "/v/inline", "{\"pets\":[]}", "Content-Type", "text/plain"));

    assertEquals("body: must be JSON (Content-Type was text/plain)", message);
  }

  @Test
  void aMissingBodyIsRefusedWhenASchemaIsSet() {
    assertEquals("body: required (a JSON body)", refusal(send("POST", "/v/inline", null)));
  }

  @Test
  void aBodyOverServerMaxBodySizeIsRefusedWith413() {
    String big = "{\"pets\":[" + "{\"name\":\"xxxxxxxxxx\"},".repeat(300) + "{\"name\":\"y\"}]}";

    HttpResponse<String> response = postJson("/v/inline", big);

    assertEquals(413, response.statusCode(), response::body);
    assertEquals(0, backend.pending());
  }

  @Test
  void aSchemaFromAFileValidatesWithEveryRule() throws InterruptedException {
    assertEquals("body.limit: maximum (20 is greater than 10)",
        refusal(postJson("/v/file", "{\"pets\":[], \"limit\": 20}")));
    assertEquals("body.pets[1].name: minLength (String is too short (0 < 1))",
        refusal(postJson("/v/file", "{\"pets\":[{\"name\":\"a\"},{\"name\":\"\"}]}")));
    assertEquals("body: type (Instance type array is invalid. Expected object)",
        refusal(postJson("/v/file", "[1]")));

    HttpResponse<String> ok = postJson("/v/file", "{\"pets\":[{\"name\":\"a\"}],\"limit\":3}");
    assertEquals(200, ok.statusCode(), ok::body);
    assertEquals("{\"pets\":[{\"name\":\"a\"}],\"limit\":3}", receivedBody());
  }

  @Test
  void aMissingQueryParameterIsNamed() {
    assertEquals("query.q: required", refusal(send("GET", "/v/search?limit=5", null, "X-Tenant", "acme")));
    assertEquals("query.limit: required", refusal(send("GET", "/v/search?limit=&q=x", null, "X-Tenant", "acme")));
  }

  @Test
  void aMissingHeaderIsNamed() {
    assertEquals("header.X-Tenant: required", refusal(send("GET", "/v/search?limit=5&q=x", null)));
  }

  @Test
  void withoutASchemaAnyBodyStreamsToTheBackendUntouched() throws InterruptedException {
    String text = "not JSON at all, and that is fine here";

    HttpResponse<String> response = send("POST", "/v/search?limit=5&q=x", text, "X-Tenant", "acme", "Content-Type", "text/plain");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals(text, receivedBody());
  }

  @Test
  void aRequestWithEveryRequiredValueReachesTheBackend() throws InterruptedException {
    HttpResponse<String> response = send("GET", "/v/search?limit=5&q=x", null, "x-tenant", "acme");

    assertEquals(200, response.statusCode(), response::body);
    assertEquals("/search?limit=5&q=x", backend.nextRequest().uri());
    assertEquals("", receivedBody());
  }
}
