package dev.portico.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Live changes do not fail requests: concurrent clients keep calling a stage while it goes
 * through 50 consecutive deployments, each with a different backend path, and none of their
 * requests fails.
 */
class LiveChangeUnderLoadTest {

  private static final String TOKEN = "load-token";
  private static final int CLIENTS = 8;
  private static final int DEPLOYMENTS = 50;

  private static String version(String backend, int v) {
    return """
        {"basePath": "/shop", "stages": {"prod": {}},
         "routes": [{"path": "/item", "integration": {"type": "http", "uri": "%s/v%d"}}]}
        """.formatted(backend, v);
  }

  @Test
  void fiftyDeploymentsUnderLoadFailNoRequest() throws Exception {
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start("""
            admin: { token: %s }
            apis:
              - name: shop
                basePath: /shop
                stages: { prod: {} }
                routes:
                  - path: /item
                    integration: { type: http, uri: "%s/v0" }
            """.formatted(TOKEN, backend.url()))) {
      Admin admin = new Admin(gw.adminPort(), TOKEN);
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = gw.uri("/prod/shop/item");
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      Map<String, Boolean> versionsSeen = new ConcurrentHashMap<>();
      CompletableFuture<?>[] clients = new CompletableFuture<?>[CLIENTS];
      for (int c = 0; c < CLIENTS; c++) {
        clients[c] = CompletableFuture.runAsync(() -> {
          while (running.get()) {
            try {
              HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                ok.incrementAndGet();
                versionsSeen.put(new io.vertx.core.json.JsonObject(r.body()).getString("path"), true);
              } else {
                failures.merge(r.statusCode() + " " + r.body(), 1, Integer::sum);
              }
            } catch (Exception e) {
              failures.merge(e.toString(), 1, Integer::sum);
            }
          }
        });
      }
      try {
        for (int v = 1; v <= DEPLOYMENTS; v++) {
          admin.expect(200, "PUT", "/apis/shop", version(backend.url(), v));
          admin.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\", \"description\": \"v" + v + "\"}");
        }
        // the last deployment serves
        Admin.Answer last = Admin.fetch(gw.port(), "/prod/shop/item");
        assertEquals("/v" + DEPLOYMENTS, last.json().getString("path"));
      } finally {
        running.set(false);
        CompletableFuture.allOf(clients).get();
      }
      assertEquals(Map.of(), failures, "requests failed while deployments changed");
      assertTrue(ok.get() > DEPLOYMENTS, "the clients kept calling: " + ok.get() + " requests");
      assertTrue(versionsSeen.size() > 2, "the clients saw the deployments change: " + List.copyOf(versionsSeen.keySet()));
      assertEquals(DEPLOYMENTS, admin.get("/apis/shop/deployments").array().size());
    }
  }
}
