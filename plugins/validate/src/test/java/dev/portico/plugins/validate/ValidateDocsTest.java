package dev.portico.plugins.validate;

import dev.portico.gateway.testing.ConfigurationDocs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/CONFIGURATION.md's validate section answers what its table says. */
class ValidateDocsTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HttpResponse<String> post(TestGateway gw, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String message(HttpResponse<String> response) {
    assertEquals(400, response.statusCode(), response::body);
    return new JsonObject(response.body()).getString("message");
  }

  @Test
  void theDocumentedExampleAnswersAsTheTableSays() {
    List<String> examples = ConfigurationDocs.yamlBlocks("## 14g.");
    assertEquals(1, examples.size());
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start(examples.get(0).replace("http://127.0.0.1:9000", backend.url()))) {
      String[] json = {"Content-Type", "application/json", "X-Tenant", "acme"};
      assertEquals("query.store: required", message(post(gw, "/shop/pets", "{}", json)));
      assertEquals("header.X-Tenant: required", message(post(gw, "/shop/pets?store=1", "{}", "Content-Type", "application/json")));
      assertEquals("body: required (a JSON body)", message(post(gw, "/shop/pets?store=1", null, "X-Tenant", "acme")));
      assertEquals("body: must be JSON (Content-Type was text/plain)",
          message(post(gw, "/shop/pets?store=1", "{}", "Content-Type", "text/plain", "X-Tenant", "acme")));
      assertEquals("body: not valid JSON", message(post(gw, "/shop/pets?store=1", "{\"pets\": [", json)));
      assertEquals("body.pets[2].name: required",
          message(post(gw, "/shop/pets?store=1", "{\"pets\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"age\": 2}]}", json)));
      assertEquals("body.pets[0].age: minimum (-1 is less than 0)",
          message(post(gw, "/shop/pets?store=1", "{\"pets\": [{\"name\": \"a\", \"age\": -1}]}", json)));
      assertEquals(0, backend.pending());

      HttpResponse<String> ok = post(gw, "/shop/pets?store=1", "{\"pets\": [{\"name\": \"Rex\"}]}", json);
      assertEquals(200, ok.statusCode(), ok::body);
      assertEquals("{\"pets\": [{\"name\": \"Rex\"}]}".length(), backend.nextRequest().bodyLength());
    }
  }
}
