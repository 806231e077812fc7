package dev.portico.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.RedisServer;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@code counters.store: redis}: gateways that share a Redis share their quotas, exactly. */
class RedisSharedQuotaTest {

  private final HttpClient client = HttpClient.newHttpClient();

  private static String config(String backend, String redis, String onStoreFailure) {
    return """
        counters:
          store: redis
          redis: { endpoint: "%s" }
          onStoreFailure: %s
          timeout: 2s
        apis:
          - name: shared
            routes:
              - path: /q
                integration: { type: http, uri: "%s/q" }
                policies:
                  - quota: { limit: 25, period: DAY }
        """.formatted(redis, onStoreFailure, backend);
  }

  @Test
  void twoGatewaysOnOneRedisAdmitExactlyTheQuotaBetweenThem() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Backend backend = Backend.start();
        TestGateway a = TestGateway.start(config(backend.url(), redis.endpoint(), "deny"), BundledPlugins.dir("quota"));
        TestGateway b = TestGateway.start(config(backend.url(), redis.endpoint(), "deny"), BundledPlugins.dir("quota"))) {
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        TestGateway gw = i % 2 == 0 ? a : b;
        all.add(client.sendAsync(HttpRequest.newBuilder(gw.uri("/q")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int throttled = 0;
      List<String> others = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> f : all) {
        int status = f.get().statusCode();
        if (status != 200 && status != 429) {
          others.add(status + " " + f.get().body());
        }
        if (status == 200) {
          ok++;
        } else if (status == 429) {
          throttled++;
        }
      }
      assertEquals(25, ok, "admitted across both gateways");
      assertEquals(35, throttled, () -> "other answers: " + others);
    }
  }

  @Test
  void whenRedisIsGoneDenyAnswers503AndAllowLetsRequestsThrough() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Backend backend = Backend.start();
        TestGateway deny = TestGateway.start(config(backend.url(), redis.endpoint(), "deny"), BundledPlugins.dir("quota"));
        TestGateway allow = TestGateway.start(config(backend.url(), redis.endpoint(), "allow"), BundledPlugins.dir("quota"))) {
      assertEquals(200, get(deny).statusCode());
      redis.stop();
      long start = System.nanoTime();
      assertEquals(503, get(deny).statusCode());
      assertEquals(200, get(allow).statusCode());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 8000, "took " + millis + " ms; each decision is bounded by counters.timeout, 2 s");
    }
  }

  private HttpResponse<String> get(TestGateway gw) throws Exception {
    return client.send(HttpRequest.newBuilder(gw.uri("/q")).build(), HttpResponse.BodyHandlers.ofString());
  }
}
