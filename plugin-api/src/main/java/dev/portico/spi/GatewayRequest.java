package dev.portico.spi;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The request the gateway will send to the integration. It starts as a copy of the client's
 * request (hop-by-hop headers removed) and transformers change it in place during
 * {@link Transformer#onRequest}.
 */
public interface GatewayRequest {

  /** The HTTP method that will be sent, e.g. {@code GET}. */
  String method();

  void method(String method);

  /**
   * The path the integration's URI template will be built from the route's parameters; set it to
   * replace the path sent to the backend (the integration URI's path), e.g. {@code /v2/pets/7}.
   * {@code null} until a policy sets it.
   */
  String pathOverride();

  void pathOverride(String path);

  /** The query parameters that will be sent; mutable. */
  MultiMap query();

  /** The headers that will be sent; mutable. */
  MultiMap headers();

  /**
   * The buffered body, or {@code null} when the body streams (no transformer asked for it with
   * {@link Transformer#requestBodyLimit}) or the request has none.
   */
  Buffer body();

  /** Replaces the body (the gateway fixes {@code Content-Length}); only while the body is buffered. */
  void body(Buffer body);
}
