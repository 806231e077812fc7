package dev.portico.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.counters.BatchedCounterStore;
import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.RedisServer;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rate-limit} with {@code strict: false} on two gateways sharing one store, under
 * concurrent load: the overshoot stays within the documented bound, {@code nodes * ceil(burst /
 * 10)} over the exact bucket, and neither gateway starves.
 */
class BatchedRateLimitTest {

  private static final int RATE = 20;
  private static final int BURST = 40;
  private static final int NODES = 2;
  private static final int REQUESTS = 400;

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static String routes(String backend) {
    return """
        apis:
          - name: batched
            routes:
              - path: /r
                integration: { type: http, uri: "%s/r" }
                policies:
                  - rate-limit: { rate: %d, burst: %d, strict: false }
        """.formatted(backend, RATE, BURST);
  }

  @Test
  void twoClusteredGatewaysOvershootTheBucketByAtMostOneBatchEach() throws Exception {
    int base = TestGateway.freePort();
    Path hazelcast = TestGateway.clusterConfig(dir, "portico-test-" + UUID.randomUUID(), base, NODES);
    try (Backend backend = Backend.start()) {
      String yaml = """
          counters: { store: hazelcast, onStoreFailure: deny, timeout: 5s }
          """ + routes(backend.url());
      try (TestGateway a = TestGateway.startClustered(yaml, hazelcast, BundledPlugins.dir("rate-limit"));
          TestGateway b = TestGateway.startClustered(yaml, hazelcast, BundledPlugins.dir("rate-limit"))) {
        assertWithinTheBound(a, b);
      }
    }
  }

  @Test
  void twoGatewaysOnOneRedisOvershootTheBucketByAtMostOneBatchEach() throws Exception {
    try (RedisServer redis = RedisServer.start(); Backend backend = Backend.start()) {
      String yaml = """
          counters: { store: redis, redis: { endpoint: "%s" }, onStoreFailure: deny, timeout: 5s }
          """.formatted(redis.endpoint()) + routes(backend.url());
      try (TestGateway a = TestGateway.start(yaml, BundledPlugins.dir("rate-limit"));
          TestGateway b = TestGateway.start(yaml, BundledPlugins.dir("rate-limit"))) {
        assertWithinTheBound(a, b);
      }
    }
  }

  /**
   * Sends {@link #REQUESTS} requests, 16 at a time, alternately to each gateway, and checks what
   * they answered against the exact bucket over the run: {@code burst + rate * seconds}, the
   * seconds measured around the whole run (the store's clock sees a shorter span).
   */
  private void assertWithinTheBound(TestGateway a, TestGateway b) throws Exception {
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < REQUESTS; i++) {
      TestGateway gw = i % 2 == 0 ? a : b;
      assertTrue(inFlight.tryAcquire(30, TimeUnit.SECONDS), "a request took more than 30 s");
      all.add(client.sendAsync(HttpRequest.newBuilder(gw.uri("/r")).build(), HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, e) -> inFlight.release()));
    }
    int[] admittedBy = new int[2];
    for (int i = 0; i < all.size(); i++) {
      HttpResponse<String> r = all.get(i).get(30, TimeUnit.SECONDS);
      if (r.statusCode() == 200) {
        admittedBy[i % 2]++;
      } else {
        assertEquals(429, r.statusCode(), r.body());
        assertEquals(String.valueOf(BURST), r.headers().firstValue("RateLimit-Limit").orElse(null));
        assertEquals("0", r.headers().firstValue("RateLimit-Remaining").orElse(null));
        assertNotNull(r.headers().firstValue("RateLimit-Reset").orElse(null));
        assertTrue(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow()) >= 1);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long admitted = admittedBy[0] + admittedBy[1];
    long batch = BatchedCounterStore.batchSize(BURST);
    long exact = BURST + (long) Math.floor(RATE * seconds);
    String report = "admitted " + admitted + " (" + admittedBy[0] + " + " + admittedBy[1] + ") in " + seconds
        + " s; the exact bucket: at most " + exact + ", batches of " + batch;
    assertTrue(admitted <= exact + NODES * batch, report);
    // a gateway refuses only when the shared bucket is empty and the other holds at most one batch
    assertTrue(admitted >= BURST - (NODES - 1) * batch, report);
    assertTrue(admittedBy[0] > 0 && admittedBy[1] > 0, "neither gateway starves: " + report);
  }
}
