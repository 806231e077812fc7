package dev.portico.plugins.httpauthorizer;

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
 * Trust for an {@code https} authorizer: the JVM's trusted certificates plus those of a PEM file
 * ({@code trustStore}). Vert.x's {@code PemTrustOptions} would replace the JVM's instead of adding
 * to them. (The gateway does the same for integrations; a plugin cannot reach its class.)
 */
final class TrustWithPem {

  private TrustWithPem() {}

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
      int fromPem = 0;
      try (InputStream in = Files.newInputStream(pem)) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("pem-" + n++, c);
          fromPem++;
        }
      }
      if (fromPem == 0) {
        throw new IllegalArgumentException("http-authorizer trustStore " + pem + " holds no PEM certificate");
      }
      TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      combined.init(store);
      return TrustOptions.wrap(combined);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("http-authorizer cannot read trustStore " + pem + ": " + e.getMessage(), e);
    }
  }
}
