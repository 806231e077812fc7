package dev.portico.spi;

import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Trust for TLS connections a gateway or a policy opens ({@code https} backends, a JWKS, an
 * authorizer): the JVM's trusted certificates <em>plus</em> those of a PEM file, the configuration's
 * {@code trustStore}. Vert.x's {@code PemTrustOptions} would replace the JVM's store instead of
 * adding to it.
 *
 * <pre>{@code
 * TrustOptions trust = PemTrust.jvmPlus(env.resolve(config.trustStore()));   // once, in create()
 * HttpClient client = env.vertx().createHttpClient(
 *     new HttpClientOptions().setSsl(true).setTrustOptions(trust));
 * }</pre>
 */
public final class PemTrust {

  private PemTrust() {}

  /**
   * The JVM's trusted certificates plus every certificate of {@code pem}. Reads the file: call it
   * when a policy is created, never per request.
   *
   * @throws IllegalArgumentException naming the file, when it cannot be read or holds no certificate
   */
  public static TrustOptions jvmPlus(Path pem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jvm.init((KeyStore) null);
      for (TrustManager tm : jvm.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          for (X509Certificate c : x509.getAcceptedIssuers()) {
            store.setCertificateEntry("jvm-" + n++, c);
          }
        }
      }
      int fromPem = 0;
      try (InputStream in = Files.newInputStream(pem)) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("pem-" + n++, c);
          fromPem++;
        }
      }
      if (fromPem == 0) {
        throw new IllegalArgumentException("trust store " + pem + " holds no PEM certificate");
      }
      TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      combined.init(store);
      return TrustOptions.wrap(combined);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read trust store " + pem + ": " + e.getMessage(), e);
    }
  }
}
