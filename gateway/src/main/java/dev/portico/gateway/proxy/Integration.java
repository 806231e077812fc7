package dev.portico.gateway.proxy;

import io.vertx.core.Future;

/** Where a route's requests are answered: a backend over HTTP, or a mock. */
public interface Integration {

  /**
   * Sends the exchange's request on and completes with the response head; the body, if any, is
   * a paused stream the pipeline pipes to the client.
   *
   * @return a failed future with a {@link GatewayFailure} when the backend could not answer
   *     (502/504), never any other failure
   */
  Future<UpstreamResponse> call(ForwardedRequest exchange, BackendClients clients);
}
