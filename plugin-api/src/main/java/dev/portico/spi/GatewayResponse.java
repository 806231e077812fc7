package dev.portico.spi;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** The response the gateway will send to the client; transformers change it in place. */
public interface GatewayResponse {

  int status();

  void status(int status);

  /** The headers that will be sent; mutable. Hop-by-hop headers have already been removed. */
  MultiMap headers();

  /**
   * The buffered body, or {@code null} when the body streams (no transformer asked for it with
   * {@link Transformer#responseBodyLimit}, or it was larger than asked).
   */
  Buffer body();

  /** Replaces the body (the gateway fixes {@code Content-Length}). */
  void body(Buffer body);

  /**
   * True when the gateway produced this response itself (an error such as 404, 429 or 502, or a
   * {@link RequestContext#respond} answer) rather than the integration.
   */
  boolean fromGateway();
}
