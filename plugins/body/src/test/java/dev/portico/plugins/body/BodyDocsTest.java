package dev.portico.plugins.body;

import dev.portico.gateway.testing.ConfigurationDocs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/CONFIGURATION.md's body section does what the text around it says. */
class BodyDocsTest {

  @Test
  void theDocumentedExampleSendsAndAnswersTheDocumentedBodies() {
    List<String> examples = ConfigurationDocs.yamlBlocks("## 14f.");
    assertEquals(1, examples.size());
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start(examples.get(0).replace("http://127.0.0.1:9000", backend.url()))) {
      backend.handler(req -> req.body().onSuccess(body ->
          req.response().putHeader("Content-Type", "application/json").end(body)));

      HttpResponse<byte[]> order = Client.postJson(gw, "/shop/orders",
          "{\"ref\": \"A1\", \"lines\": [{\"sku\": \"x\", \"qty\": 2}], \"internal\": true}",
          "X-Customer", "c-9", "X-Request-Id", "r-1");
      assertEquals(200, order.statusCode(), () -> Client.text(order));
      assertEquals(new JsonObject("""
          {"customer": "c-9", "items": [{"sku": "x", "qty": 2}], "count": 2, "note": "order A1 via r-1", "source": "portico"}"""),
          new JsonObject(Client.text(order)), "what the backend received");

      HttpResponse<byte[]> pet = Client.get(gw, "/shop/pets/7");
      assertEquals(200, pet.statusCode(), () -> Client.text(pet));
      assertEquals("{\"id\":\"7\",\"name\":\"Rex\",\"firstTag\":\"good\",\"tags\":[\"good\",\"dog\"]}", Client.text(pet));

      String missing = Client.errorMessage(Client.postJson(gw, "/shop/orders", "{\"lines\": []}"), 400);
      assertEquals("request.header.X-Customer is required", missing);
    }
  }
}
