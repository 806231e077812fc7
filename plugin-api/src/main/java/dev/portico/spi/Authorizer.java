package dev.portico.spi;

import io.vertx.core.Future;

/**
 * Establishes who is calling, or rejects the request.
 *
 * <p>Every authorizer of a route must allow; the principal of the request is the one returned by
 * the last authorizer that ran. Example, an authorizer that trusts a header set by a TLS-terminating
 * proxy in front of the gateway:
 *
 * <pre>{@code
 * final class ClientCertAuthorizer implements Authorizer {
 *   public Future<Principal> authorize(RequestContext ctx) {
 *     String subject = ctx.request().headers().get("X-Client-Subject");
 *     if (subject == null) {
 *       return Future.failedFuture(Rejection.unauthorized("client certificate required"));
 *     }
 *     return Future.succeededFuture(Principal.of(subject));
 *   }
 * }
 * }</pre>
 *
 * <p>Read a header that carries a credential with {@link GatewayRequest#singleHeader}, which refuses
 * a request sending it twice, so that the value checked is the only one the backend can see.
 */
public non-sealed interface Authorizer extends Policy {

  /**
   * Decides whether the request may proceed.
   *
   * @return a future that succeeds with the caller's principal to allow the request, fails with a
   *     {@link Rejection} (typically 401 or 403) to deny it; any other failure is a plugin bug,
   *     answered 500.
   */
  Future<Principal> authorize(RequestContext ctx);
}
