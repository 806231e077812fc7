package dev.portico.gateway.server;

import static dev.portico.gateway.testing.GatewayErrors.assertGatewayError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * TLS (docs/CONFIGURATION.md): {@code server.tls} serves HTTPS from PEM files, and an {@code https}
 * backend is verified against the JVM's trust store plus the integration's {@code trustStore}.
 * The key pair in {@code src/test/resources/tls} is self-signed for {@code localhost} and
 * {@code 127.0.0.1}, valid for 100 years.
 */
class ProxyTlsTest {

  private static final Path CERT = resource("tls/localhost.crt");
  private static final Path KEY = resource("tls/localhost.key");

  private static Path resource(String name) {
    try {
      return Path.of(ProxyTlsTest.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** A client that trusts exactly the test certificate. */
  private static HttpClient trustingClient() throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(CERT)) {
      store.setCertificateEntry("localhost", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void gatewayServesHttpsFromPemFiles() throws Exception {
    try (Backend backend = Backend.start();
        TestGateway gw = TestGateway.start("""
            server:
              instances: 1
              tls: { cert: "%s", key: "%s" }
            apis:
              - name: tls
                basePath: /tls
                routes:
                  - path: /echo
                    integration: { type: http, uri: "%s/echo" }
            """.formatted(CERT, KEY, backend.url()))) {
      HttpClient client = trustingClient();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(gw.httpsUri("/tls/echo")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("https", backend.nextRequest().headers().get("X-Forwarded-Proto"));

      HttpResponse<String> byName = client.send(HttpRequest.newBuilder(
          java.net.URI.create("https://localhost:" + gw.port() + "/tls/echo")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, byName.statusCode());
      backend.nextRequest();

      // a client that does not trust the certificate cannot be fooled into talking to it
      HttpClient strict = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      assertThrows(SSLHandshakeException.class, () -> strict.send(
          HttpRequest.newBuilder(gw.httpsUri("/tls/echo")).build(), HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void selfSignedHttpsBackendIsRefusedWithoutTrustStoreAndServedWithIt() throws Exception {
    try (Backend backend = Backend.startTls(CERT, KEY);
        TestGateway gw = TestGateway.start("""
            apis:
              - name: tls
                basePath: /tls
                routes:
                  - path: /untrusted
                    integration: { type: http, uri: "%s/echo", timeout: 5s }
                  - path: /trusted
                    integration: { type: http, uri: "%s/echo", timeout: 5s, trustStore: "%s" }
            """.formatted(backend.url(), backend.url(), CERT))) {
      HttpClient client = HttpClient.newHttpClient();
      assertGatewayError(502, client.send(HttpRequest.newBuilder(gw.uri("/tls/untrusted")).build(),
          HttpResponse.BodyHandlers.ofString()));
      assertEquals(0, backend.pending(), "no request may go to an unverified backend");

      HttpResponse<String> trusted = client.send(HttpRequest.newBuilder(gw.uri("/tls/trusted")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, trusted.statusCode(), trusted.body());
      assertEquals("/echo", backend.nextRequest().uri());
    }
  }
}
