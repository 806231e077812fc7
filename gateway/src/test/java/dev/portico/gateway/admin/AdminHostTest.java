package dev.portico.gateway.admin;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Admin;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.ShopApi;
import dev.portico.gateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding: a web page whose name is made to resolve to 127.0.0.1 reaches a loopback admin
 * API with its own name in {@code Host}. On loopback the admin API answers only a loopback
 * {@code Host}; elsewhere any.
 */
class AdminHostTest {

  private static final String TOKEN = "test-admin-token";

  /** A metric line every gateway's /metrics has, which a refused request must not carry. */
  private static final String METRIC = "jvm_memory_used_bytes";

  private static RawHttp.Response request(int port, String method, String path, String hostHeader) {
    try (RawHttp http = RawHttp.connect(port)) {
      String host = hostHeader == null ? "" : "Host: " + hostHeader + "\n";
      String version = hostHeader == null ? "HTTP/1.0" : "HTTP/1.1";
      http.send(RawHttp.crlf(method + " " + path + " " + version + "\n" + host
          + "Authorization: Bearer " + TOKEN + "\nContent-Length: 0\nConnection: close\n\n"));
      return http.read();
    }
  }

  @Test
  void aLoopbackAdminApiRefusesEveryOtherHostWith421OnEveryPathAndMethod() {
    try (TestGateway gw = TestGateway.start(ShopApi.yaml(TOKEN))) {
      int port = gw.adminPort();
      for (String host : new String[] {"evil.example", "evil.example:" + port, "127.0.0.1.nip.io",
          "127.0.0.1.nip.io:" + port, "localhost.", "127.0.0.256", "[::2]:" + port, "0.0.0.0"}) {
        for (String path : new String[] {"/metrics", "/health", "/ready", "/apis", "/apis/shop", "/plugins"}) {
          RawHttp.Response r = request(port, "GET", path, host);
          assertGatewayError(421, r);
          assertFalse(r.text().contains(METRIC), r::text);
        }
        assertGatewayError(421, request(port, "DELETE", "/apis/shop", host));
        assertGatewayError(421, request(port, "POST", "/apis/shop/deployments", host));
      }
      assertEquals(200, new Admin(port, TOKEN).get("/apis/shop").status(), "the refused DELETEs changed nothing");
    }
  }

  @Test
  void aRequestWithoutHostIsRefusedOnLoopback() {
    try (TestGateway gw = TestGateway.start(ShopApi.yaml(TOKEN))) {
      assertGatewayError(421, request(gw.adminPort(), "GET", "/metrics", null));
    }
  }

  @Test
  void loopbackNamesWithOrWithoutAPortAreAnswered() {
    try (TestGateway gw = TestGateway.start(ShopApi.yaml(TOKEN))) {
      int port = gw.adminPort();
      for (String host : new String[] {"localhost:" + port, "localhost", "LocalHost:" + port, "127.0.0.1",
          "127.0.0.1:" + port, "127.1.2.3:" + port, "[::1]:" + port, "[::1]"}) {
        RawHttp.Response metrics = request(port, "GET", "/metrics", host);
        assertEquals(200, metrics.status(), () -> host + ": " + RawHttp.describe(metrics));
        assertTrue(metrics.text().contains(METRIC), host);
        assertEquals(200, request(port, "GET", "/health", host).status(), host);
        assertEquals(200, request(port, "GET", "/apis/shop", host).status(), host);
      }
    }
  }

  @Test
  void anAdminApiBoundToEveryInterfaceAnswersAnyHost() {
    try (TestGateway gw = TestGateway.start("admin: { host: 0.0.0.0, token: " + TOKEN + " }\n")) {
      RawHttp.Response metrics = request(gw.adminPort(), "GET", "/metrics", "evil.example");
      assertEquals(200, metrics.status(), () -> RawHttp.describe(metrics));
      assertTrue(metrics.text().contains(METRIC));
      assertEquals(200, request(gw.adminPort(), "GET", "/apis", "portico.internal:9876").status());
    }
  }

  @Test
  void anAdminApiBoundToLocalhostIsLoopbackToo() {
    try (TestGateway gw = TestGateway.start("admin: { host: localhost, token: " + TOKEN + " }\n")) {
      assertGatewayError(421, request(gw.adminPort(), "GET", "/metrics", "evil.example"));
      assertEquals(200, request(gw.adminPort(), "GET", "/metrics", "localhost").status());
    }
  }
}
