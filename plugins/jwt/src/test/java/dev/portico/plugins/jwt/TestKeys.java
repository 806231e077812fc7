package dev.portico.plugins.jwt;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing keys and JWTs for tests, made with the JDK alone (not with the library under test): an
 * issuer's RSA and EC key pairs, their JWKs, and tokens signed with them or with an HMAC secret.
 */
final class TestKeys {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private TestKeys() {}

  /** A key pair of an issuer, with the {@code kid} and {@code alg} its tokens carry. */
  record SigningKey(String kid, String alg, KeyPair pair) {

    static SigningKey rsa(String kid) {
      return new SigningKey(kid, "RS256", generate("RSA", null));
    }

    static SigningKey ec(String kid) {
      return new SigningKey(kid, "ES256", generate("EC", new ECGenParameterSpec("secp256r1")));
    }

    /** The public JWK, as a JWKS publishes it. */
    JsonObject jwk() {
      JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig").put("alg", alg);
      if (pair.getPublic() instanceof RSAPublicKey rsa) {
        return jwk.put("kty", "RSA").put("n", unsigned(rsa.getModulus(), 0)).put("e", unsigned(rsa.getPublicExponent(), 0));
      }
      ECPublicKey ec = (ECPublicKey) pair.getPublic();
      return jwk.put("kty", "EC").put("crv", "P-256")
          .put("x", unsigned(ec.getW().getAffineX(), 32)).put("y", unsigned(ec.getW().getAffineY(), 32));
    }

    /** The public key as PEM text: what an attacker would use as an HMAC secret (algorithm confusion). */
    String publicPem() {
      return "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
    }

    /** A token with these claims, signed with this key, its header naming {@code kid}. */
    String sign(JsonObject claims) {
      return signAs(alg, kid, claims);
    }

    /** A token signed with this key, with any {@code alg} and {@code kid} in its header. */
    String signAs(String headerAlg, String headerKid, JsonObject claims) {
      JsonObject header = new JsonObject().put("alg", headerAlg).put("typ", "JWT");
      if (headerKid != null) {
        header.put("kid", headerKid);
      }
      return signWithHeader(header, claims);
    }

    /** A token signed with this key, with exactly this JOSE header. */
    String signWithHeader(JsonObject header, JsonObject claims) {
      String input = part(header) + "." + part(claims);
      try {
        Signature s = Signature.getInstance(alg.startsWith("ES") ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
        s.initSign(pair.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + B64.encodeToString(s.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A token signed with HMAC-SHA256 over {@code secret}, with {@code alg: HS256}. */
  static String hs256(String secret, JsonObject claims) {
    return hs256(secret, new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
  }

  /** A token signed with HMAC-SHA256 over {@code secret}, with exactly this JOSE header. */
  static String hs256(String secret, JsonObject header, JsonObject claims) {
    String input = part(header) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token, {@code alg: none}, with an empty signature part. */
  static String unsigned(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }

  /** Claims valid now for a minute: {@code sub}, {@code iat}, {@code exp}. */
  static JsonObject claims(String sub) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", sub).put("iat", now).put("exp", now + 60);
  }

  static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair generate(String algorithm, ECGenParameterSpec spec) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (spec != null) {
        g.initialize(spec);
      } else {
        g.initialize(2048);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Big-endian bytes without the sign byte, left-padded to {@code length} when given. */
  private static String unsigned(BigInteger n, int length) {
    byte[] bytes = n.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (length > bytes.length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      bytes = padded;
    }
    return B64.encodeToString(bytes);
  }
}
