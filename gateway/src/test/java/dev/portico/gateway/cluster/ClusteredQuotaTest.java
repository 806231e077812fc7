package dev.portico.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cluster}: gateways that join one Hazelcast cluster share their counters by default. */
class ClusteredQuotaTest {

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void twoClusteredGatewaysAdmitExactlyOneQuotaBetweenThem() throws Exception {
    int base = TestGateway.freePort();
    Path hazelcast = TestGateway.clusterConfig(dir, "portico-test-" + UUID.randomUUID(), base, 2);
    try (Backend backend = Backend.start()) {
      String yaml = """
          apis:
            - name: shared
              routes:
                - path: /q
                  integration: { type: http, uri: "%s/q" }
                  policies:
                    - quota: { limit: 25, period: DAY }
          """.formatted(backend.url()); // no counters.store: with --cluster it is hazelcast
      try (TestGateway a = TestGateway.startClustered(yaml, hazelcast, BundledPlugins.dir("quota"));
          TestGateway b = TestGateway.startClustered(yaml, hazelcast, BundledPlugins.dir("quota"))) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          TestGateway gw = i % 2 == 0 ? a : b;
          all.add(client.sendAsync(HttpRequest.newBuilder(gw.uri("/q")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int throttled = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
          int status = f.get().statusCode();
          if (status == 200) {
            ok++;
          } else if (status == 429) {
            throttled++;
          }
        }
        assertEquals(25, ok, "admitted across both nodes");
        assertEquals(35, throttled);
      }
    }
  }
}
