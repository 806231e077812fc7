package dev.portico.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class IntegrationUriTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void pathParametersFillTheIntegrationQueryEvenWhenItsPathHasNone() throws Exception {
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start("""
            apis:
              - name: search
                routes:
                  - path: /search/{term}
                    integration: { type: http, uri: "%s/search?q={term}" }
            """.formatted(backend.url()))) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(gw.uri("/search/cats?page=2")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("/search?q=cats&page=2", backend.nextRequest().uri());
    }
  }
}
