package dev.portico.plugins.jwt;

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
 * Trust for an {@code https} {@code jwksUri}: the JVM's trust store plus the certificates of a PEM
 * file. Vert.x's {@code PemTrustOptions} would replace the JVM's store instead of adding to it. (The
 * gateway has the same for backends, but a plugin cannot see the gateway's classes.)
 */
final class PemTrust {

  private PemTrust() {}

  /** The JVM's trusted certificates plus those in {@code pem}; read once, when the policy is created. */
  static TrustOptions jvmPlus(Path pem) {
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
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      try (InputStream in = Files.newInputStream(pem)) {
        for (Certificate c : cf.generateCertificates(in)) {
          store.setCertificateEntry("pem-" + n++, c);
        }
      }
      TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      combined.init(store);
      return TrustOptions.wrap(combined);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("jwt.trustStore: cannot read " + pem + ": " + e.getMessage(), e);
    }
  }
}
