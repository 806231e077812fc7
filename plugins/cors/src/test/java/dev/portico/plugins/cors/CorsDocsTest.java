package dev.portico.plugins.cors;

import dev.portico.gateway.testing.ConfigurationDocs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example of docs/CONFIGURATION.md's cors section does what the text around it says. */
class CorsDocsTest {

  @Test
  void theDocumentedApiLevelPolicyAnswersPreflightsOnEveryRoute() {
    List<String> examples = ConfigurationDocs.yamlBlocks("## 14b.");
    assertEquals(1, examples.size());
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start(examples.get(0).replace("http://127.0.0.1:9000", backend.url()))) {
      HttpResponse<String> preflight = Browser.preflight(gw, "/shop/items/5", "https://app.example.com", "DELETE",
          "authorization");
      assertEquals(204, preflight.statusCode(), preflight::body);
      assertEquals("https://app.example.com", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertEquals("GET, POST, DELETE", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
      assertEquals("3600", preflight.headers().firstValue("Access-Control-Max-Age").orElse(null));

      HttpResponse<String> get = Browser.send(gw, "GET", "/shop/items", "Origin", "http://localhost:3000");
      assertEquals(200, get.statusCode(), get::body);
      assertEquals("http://localhost:3000", get.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
      assertEquals("X-Request-Id", get.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
      assertEquals(1, backend.pending(), "only the GET reached the backend");
    }
  }
}
