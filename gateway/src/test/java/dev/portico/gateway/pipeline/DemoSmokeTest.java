package dev.portico.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class DemoSmokeTest {

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void mockAndProxiedRoutesAnswer() throws Exception {
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start("""
            apis:
              - name: demo
                basePath: /demo
                routes:
                  - path: /hello
                    integration: { type: mock, status: 200, body: { ok: true } }
                  - path: /pets/{id}
                    integration: { type: http, uri: "%s/backend/pets/{id}" }
            """.formatted(backend.url()))) {
      HttpResponse<String> mock = client.send(HttpRequest.newBuilder(gw.uri("/demo/hello")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, mock.statusCode());
      assertEquals("{\"ok\":true}", mock.body());

      HttpResponse<String> proxied = client.send(HttpRequest.newBuilder(gw.uri("/demo/pets/7?x=1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, proxied.statusCode());
      Backend.Received seen = backend.nextRequest();
      assertEquals("/backend/pets/7?x=1", seen.uri());
      assertTrue(seen.headers().contains("X-Request-Id"));
    }
  }
}
