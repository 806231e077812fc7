package dev.portico.spi;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;

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
   * The value of a header that may occur at most once, such as a credential; {@code null} when the
   * request has none. The name is case-insensitive.
   *
   * <p>Read credentials with this rather than {@code headers().get(name)}: with two
   * {@code Authorization} headers, {@code get} returns the first, the policy checks it, and both go
   * on to the backend, which may read the other one. A request carrying the header more than once is
   * therefore refused as malformed:
   *
   * <pre>{@code
   * public Future<Principal> authorize(RequestContext ctx) {
   *   String key;
   *   try {
   *     key = ctx.request().singleHeader("X-Client-Key");
   *   } catch (Rejection twoKeys) {
   *     return Future.failedFuture(twoKeys);                    // 400, before any lookup
   *   }
   *   if (key == null) {
   *     return Future.failedFuture(Rejection.unauthorized("X-Client-Key is required"));
   *   }
   *   ...
   * }
   * }</pre>
   *
   * @throws Rejection 400, {@code Bad Request: more than one <name> header}, when the request
   *     carries the header more than once (empty values count)
   */
  default String singleHeader(String name) {
    List<String> values = headers().getAll(name);
    if (values.size() > 1) {
      throw Rejection.badRequest("Bad Request: more than one " + name + " header");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * The buffered body, or {@code null} when the body streams (no transformer asked for it with
   * {@link Transformer#requestBodyLimit}) or the request has none.
   */
  Buffer body();

  /** Replaces the body (the gateway fixes {@code Content-Length}); only while the body is buffered. */
  void body(Buffer body);
}
