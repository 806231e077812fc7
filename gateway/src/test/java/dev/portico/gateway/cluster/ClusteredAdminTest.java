package dev.portico.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --cluster}: definitions, deployments and stage pointers made on one node serve on every
 * node, a node that joins later gets them, and concurrent writes leave every node agreeing.
 */
class ClusteredAdminTest {

  private static final String TOKEN = "cluster-token";
  private static final String YAML = ShopApi.yaml(TOKEN);

  @TempDir
  Path dir;

  private static String version(int v) {
    return ShopApi.version(v);
  }

  private static int served(TestGateway gw, String path) {
    Admin.Answer a = Admin.fetch(gw.port(), path);
    return a.status() == 200 ? a.json().getInteger("v", -1) : -a.status();
  }

  /** Polls until {@code actual} gives {@code expected}, for at most 10 s. */
  private static <T> void eventually(String what, T expected, Supplier<T> actual) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    T last = actual.get();
    while (!expected.equals(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": expected " + expected + ", still " + last);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // the poll interval
      last = actual.get();
    }
  }

  @Test
  void aChangeOnOneNodeServesOnEveryNodeAndALateJoinerGetsIt() throws Exception {
    Path hazelcast = TestGateway.clusterConfig(dir, "portico-admin-" + UUID.randomUUID(), TestGateway.freePort(), 3);
    try (TestGateway a = TestGateway.startIn(dir.resolve("a"), YAML, hazelcast);
        TestGateway b = TestGateway.startIn(dir.resolve("b"), YAML, hazelcast)) {
      Admin adminA = new Admin(a.adminPort(), TOKEN);
      Admin adminB = new Admin(b.adminPort(), TOKEN);
      String first = adminA.expect(201, "POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json().getString("id");
      adminB.expect(200, "PUT", "/apis/shop", version(2));
      eventually("a serves b's definition", 2, () -> served(a, "/shop/item"));
      eventually("b serves a's deployment on prod", 1, () -> served(b, "/prod/shop/item"));
      adminA.expect(201, "PUT", "/apis/extra", """
          {"basePath": "/extra", "routes": [{"path": "/", "integration": {"type": "mock", "status": 200, "body": {"v": 5}}}]}
          """);
      eventually("b serves an API made on a", 5, () -> served(b, "/extra/"));

      try (TestGateway late = TestGateway.startIn(dir.resolve("c"), YAML, hazelcast)) {
        assertEquals(2, served(late, "/shop/item"), "a late joiner serves the cluster's definition, not its file's");
        assertEquals(1, served(late, "/prod/shop/item"));
        assertEquals(5, served(late, "/extra/"));
        assertEquals(first, new Admin(late.adminPort(), TOKEN).get("/apis/shop/deployments").array()
            .getJsonObject(0).getString("id"));
      }
    }
  }

  @Test
  void concurrentWritesOnTwoNodesLeaveThemAgreeing() throws Exception {
    Path hazelcast = TestGateway.clusterConfig(dir, "portico-admin-" + UUID.randomUUID(), TestGateway.freePort(), 2);
    try (TestGateway a = TestGateway.startIn(dir.resolve("a"), YAML, hazelcast);
        TestGateway b = TestGateway.startIn(dir.resolve("b"), YAML, hazelcast)) {
      Admin adminA = new Admin(a.adminPort(), TOKEN);
      Admin adminB = new Admin(b.adminPort(), TOKEN);
      List<CompletableFuture<Admin.Answer>> writes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int n = i;
        writes.add(CompletableFuture.supplyAsync(() -> adminA.call("PUT", "/apis/shop", version(100 + n))));
        writes.add(CompletableFuture.supplyAsync(() -> adminB.call("PUT", "/apis/shop", version(200 + n))));
        writes.add(CompletableFuture.supplyAsync(() -> adminA.call("POST", "/apis/shop/deployments", "{}")));
        writes.add(CompletableFuture.supplyAsync(() -> adminB.call("POST", "/apis/shop/deployments", "{}")));
      }
      for (CompletableFuture<Admin.Answer> w : writes) {
        Admin.Answer answer = w.get();
        assertEquals(answer.status() / 100, 2, answer::toString);
      }
      eventually("both nodes have every deployment", 20, () -> adminB.get("/apis/shop/deployments").array().size());
      eventually("both nodes have every deployment", 20, () -> adminA.get("/apis/shop/deployments").array().size());
      JsonObject onA = adminA.get("/apis/shop").json();
      eventually("b has a's definition", onA, () -> adminB.get("/apis/shop").json());
      eventually("the same route served", served(a, "/shop/item"), () -> served(b, "/shop/item"));
    }
  }
}
