package dev.portico.plugins.httpauthorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.GatewayErrors;
import dev.portico.gateway.testing.TestGateway;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An {@code https} authorizer (docs/CONFIGURATION.md): its certificate is checked against the JVM's
 * trust store plus the optional {@code trustStore}; an authorizer that cannot be trusted is 503.
 */
class HttpAuthorizerTlsTest {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** A resource of the gateway's tests (the self-signed localhost certificate) as a file. */
  private static Path resource(Path dir, String name) throws Exception {
    try (InputStream in = HttpAuthorizerTlsTest.class.getClassLoader().getResourceAsStream("tls/" + name)) {
      Path file = dir.resolve(name);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    }
  }

  private static HttpResponse<String> get(TestGateway gw, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer allow-tls").build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anHttpsAuthorizerIsTrustedThroughTrustStoreAndRefusedWithout() throws Exception {
    Path dir = Files.createTempDirectory("portico-authz-tls");
    Path cert = resource(dir, "localhost.crt");
    Path key = resource(dir, "localhost.key");
    try (AuthorizerServer authz = AuthorizerServer.tls(cert, key);
        TestGateway gw = TestGateway.start("""
            apis:
              - name: tls
                basePath: /tls
                routes:
                  - path: /trusted
                    integration: { type: mock, status: 200, body: { ok: true } }
                    policies:
                      - http-authorizer: { uri: "%1$s", trustStore: "%2$s" }
                  - path: /untrusted
                    integration: { type: mock, status: 200, body: { ok: true } }
                    policies:
                      - http-authorizer: { uri: "%1$s" }
            """.formatted(authz.uri(), cert))) {
      HttpResponse<String> trusted = get(gw, "/tls/trusted");
      assertEquals(200, trusted.statusCode(), trusted::body);
      assertEquals(1, authz.calls("allow-tls"));

      GatewayErrors.assertGatewayError(503, get(gw, "/tls/untrusted"));
      assertEquals(1, authz.calls("allow-tls"), "the untrusted authorizer was never asked");
    }
  }
}
