package dev.portico.plugins.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One policy instance, with its compiled schema, serves every event loop at once. */
class ValidateConcurrencyTest {

  @Test
  void concurrentRequestsOnSeveralEventLoopsEachGetTheirOwnVerdict() throws Exception {
    try (TestGateway gw = TestGateway.start("""
        server: { instances: 2 }
        apis:
          - name: v
            basePath: /v
            routes:
              - path: /items
                integration: { type: mock, status: 201 }
                policies:
                  - validate:
                      schema:
                        type: object
                        required: [items]
                        properties:
                          items: { type: array, items: { type: object, required: [id], properties: { id: { type: integer } } } }
        """, new ValidateFactory())) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        // every third request lacks the id of its item number i % 7
        StringBuilder body = new StringBuilder("{\"items\":[");
        for (int k = 0; k < 7; k++) {
          body.append(k > 0 ? "," : "").append(i % 3 == 0 && k == i % 7 ? "{}" : "{\"id\":" + k + "}");
        }
        body.append("]}");
        answers.add(http.sendAsync(HttpRequest.newBuilder(gw.uri("/v/items")).timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<String> response = answers.get(i).get(30, TimeUnit.SECONDS);
        if (i % 3 == 0) {
          assertEquals(400, response.statusCode(), response::body);
          assertEquals("body.items[" + (i % 7) + "].id: required", new JsonObject(response.body()).getString("message"));
        } else {
          assertEquals(201, response.statusCode(), response::body);
        }
      }
    }
  }
}
