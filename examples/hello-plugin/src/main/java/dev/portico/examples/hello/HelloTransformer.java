package dev.portico.examples.hello;

import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;

/**
 * Sets one response header to a fixed greeting.
 *
 * <p>One instance serves every request on every event loop, so it holds nothing but its immutable
 * configuration. It only implements {@link #onResponse}: the other hooks keep their do-nothing
 * defaults, and since it asks for no body ({@link #responseBodyLimit} stays 0), responses stream
 * through untouched.
 */
final class HelloTransformer implements Transformer {

  private final HelloConfig config;

  HelloTransformer(HelloConfig config) {
    this.config = config;
  }

  /**
   * Runs after the response head is known, on the request's event loop: a header is set in place
   * and the hook completes at once. It also runs on the gateway's own error responses once the path
   * has matched (a 401 or a 429, say), so clients are greeted even when refused.
   */
  @Override
  public Future<Void> onResponse(RequestContext ctx) {
    ctx.response().headers().set(config.header(), config.greeting());
    return Future.succeededFuture();
  }
}
