package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.TestGateway;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled {@code rate-limit} and {@code quota} plugins together, each loaded from its own jar
 * as the distribution loads them, on the gateway's local counter store (docs/CONFIGURATION.md
 * and 8): what a later throttler's rejection gives back, and which decision the headers show.
 */
class PolicyThrottlingPluginsTest {

  private static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start("""
        apis:
          - name: both
            basePath: /both
            routes:
              - path: /quota-then-bucket
                integration: { type: mock }
                policies:
                  - quota: { limit: 3, period: DAY }
                  - rate-limit: { rate: 0.01, burst: 1, per: "header:X-Client" }
              - path: /bucket-then-quota
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0.01, burst: 10 }
                  - quota: { limit: 2, period: DAY }
        """, BundledPlugins.dir("rate-limit", "quota"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aRequestTheBucketRefusesIsGivenBackToTheQuotaThatCountedIt() {
    assertEquals(200, get(gw, "/both/quota-then-bucket", "X-Client", "a").statusCode());   // quota 1 of 3
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> refused = get(gw, "/both/quota-then-bucket", "X-Client", "a");
      assertEquals(429, refused.statusCode());
      assertEquals("1", header(refused, "RateLimit-Limit"), "refused by a's bucket, not by the quota");
    }
    // had the five refusals stayed counted, the quota would be spent
    assertEquals(200, get(gw, "/both/quota-then-bucket", "X-Client", "b").statusCode());   // 2 of 3
    HttpResponse<String> third = get(gw, "/both/quota-then-bucket", "X-Client", "c");     // 3 of 3
    assertEquals(200, third.statusCode());
    HttpResponse<String> over = get(gw, "/both/quota-then-bucket", "X-Client", "d");
    assertEquals(429, over.statusCode());
    assertEquals("3", header(over, "RateLimit-Limit"), "now the quota refuses");
    assertEquals("0", header(over, "RateLimit-Remaining"));
  }

  @Test
  void theHeadersComeFromTheThrottlerWithTheLeastLeft() {
    HttpResponse<String> first = get(gw, "/both/bucket-then-quota");
    assertEquals(200, first.statusCode());
    assertEquals("2", header(first, "RateLimit-Limit"), "quota: 1 left of 2; bucket: 9 left of 10");
    assertEquals("1", header(first, "RateLimit-Remaining"));
    HttpResponse<String> second = get(gw, "/both/bucket-then-quota");
    assertEquals("0", header(second, "RateLimit-Remaining"));
    HttpResponse<String> over = get(gw, "/both/bucket-then-quota");
    assertEquals(429, over.statusCode());
    assertEquals("2", header(over, "RateLimit-Limit"));
  }

  @Test
  void theDocumentedExampleLimitsAsItsCommentsSay() throws IOException {
    String example = documentedExample();
    try (TestGateway docs = TestGateway.start(example, BundledPlugins.dir("rate-limit", "quota"))) {
      // 10 at once, then 5 a second per client: a token may come back during the burst
      int admitted = 0;
      HttpResponse<String> r = get(docs, "/search");
      while (r.statusCode() == 200 && admitted < 50) {
        admitted++;
        assertEquals("10", header(r, "RateLimit-Limit"), "the bucket has less left than the daily quota");
        r = get(docs, "/search");
      }
      int burst = admitted;
      assertTrue(burst >= 10, () -> "only " + burst + " admitted");
      assertEquals(429, r.statusCode());
      assertEquals("1", header(r, "Retry-After"));
    }
  }

  /** The YAML example of the throttling section of docs/CONFIGURATION.md. */
  private static String documentedExample() throws IOException {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path file = d.resolve("docs/CONFIGURATION.md");
      if (Files.isRegularFile(file)) {
        String doc = Files.readString(file);
        int section = doc.indexOf("\n## Throttling: the rate-limit and quota policies");
        assertTrue(section >= 0, "no throttling section in " + file);
        int open = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
        return doc.substring(open, doc.indexOf("```", open));
      }
    }
    throw new AssertionError("docs/CONFIGURATION.md not found above " + Path.of("").toAbsolutePath());
  }
}
