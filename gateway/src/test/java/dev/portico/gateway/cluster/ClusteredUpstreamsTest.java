package dev.portico.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.Eventually;
import dev.portico.gateway.testing.Fleet;
import dev.portico.gateway.testing.PrometheusText;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams come from each node's own file: a definition shared through the cluster that names an
 * upstream a node lacks is left out there (logged, counted in {@code portico_apis_left_out}), and
 * that node refuses such a write itself.
 */
class ClusteredUpstreamsTest {

  private static final String TOKEN = "cluster-upstreams-token";
  private static final String API = """
      {"basePath": "/pets", "routes": [{"path": "/", "integration": {"type": "http", "uri": "lb://pets/"}}]}
      """;

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void aNodeWithoutTheUpstreamLeavesTheSharedApiOutAndRefusesToWriteIt() throws Exception {
    int base = TestGateway.freePort();
    Path hazelcast = TestGateway.clusterConfig(dir, "portico-test-" + UUID.randomUUID(), base, 2);
    try (Fleet fleet = Fleet.start(1)) {
      String withUpstream = """
          admin: { token: %s }
          upstreams:
            - name: pets
              targets: ["%s"]
          """.formatted(TOKEN, fleet.url(0));
      String without = "admin: { token: %s }\n".formatted(TOKEN);
      try (TestGateway a = TestGateway.startClustered(withUpstream, hazelcast, null);
          TestGateway b = TestGateway.startClustered(without, hazelcast, null)) {
        new Admin(a.adminPort(), TOKEN).expect(201, "PUT", "/apis/pets", API);
        HttpResponse<String> served = client.send(HttpRequest.newBuilder(a.uri("/pets/")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals("t0", served.body());

        Eventually.equal("portico_apis_left_out on node b", 1.0, () -> PrometheusText.scrape(b).value("portico_apis_left_out"));
        assertEquals(0, PrometheusText.scrape(a).value("portico_apis_left_out"));
        assertEquals(404, client.send(HttpRequest.newBuilder(b.uri("/pets/")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());

        Admin.Answer refused = new Admin(b.adminPort(), TOKEN).call("PUT", "/apis/pets", API);
        assertEquals(400, refused.status(), refused.toString());
        assertTrue(refused.body().contains("unknown upstream 'pets'"), refused.body());
      }
    }
  }
}
