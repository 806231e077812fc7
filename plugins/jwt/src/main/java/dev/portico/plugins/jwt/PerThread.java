package dev.portico.plugins.jwt;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * One vertx-auth verifier per thread for one set of keys.
 *
 * @implNote vertx-auth's verifier holds one {@code Signature} or {@code Mac} per key and locks it
 *     while verifying, so event loops sharing one verifier would wait on each other for every
 *     distinct token (an RS256 verification takes tens of microseconds). Building a verifier is
 *     cheap (it parses the keys), and there is one per event loop, so each gets its own.
 */
final class PerThread {

  private final ThreadLocal<JWTAuth> verifiers;

  PerThread(Vertx vertx, JWTAuthOptions options) {
    JWTAuthOptions frozen = new JWTAuthOptions(options);
    this.verifiers = ThreadLocal.withInitial(() -> JWTAuth.create(vertx, frozen));
    verifiers.get();   // fails here, when the keys are loaded, rather than on a request, if they are unusable
  }

  /** The calling thread's verifier. */
  JWTAuth get() {
    return verifiers.get();
  }
}
