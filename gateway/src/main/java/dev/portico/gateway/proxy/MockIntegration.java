package dev.portico.gateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import java.util.Map;

/** Answers from the configuration, without a backend: status, headers and a JSON (or text) body. */
public final class MockIntegration implements Integration {

  private static final Runnable NOTHING = () -> {};

  private final int status;
  private final Map<String, String> headers;
  private final Buffer body;
  private final String contentType;

  /** @param body any JSON value from the configuration; a string is sent as text, null as no body */
  public MockIntegration(int status, Map<String, String> headers, Object body) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    if (body == null) {
      this.body = Buffer.buffer();
      this.contentType = null;
    } else if (body instanceof String s) {
      this.body = Buffer.buffer(s);
      this.contentType = "text/plain; charset=utf-8";
    } else {
      this.body = Buffer.buffer(Json.encode(body));
      this.contentType = "application/json";
    }
  }

  @Override
  public Future<UpstreamResponse> call(ForwardedRequest exchange, BackendClients clients) {
    MultiMap h = HttpHeaders.headers();
    if (contentType != null) {
      h.set(HttpHeaders.CONTENT_TYPE, contentType);
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      h.set(e.getKey(), e.getValue());
    }
    // the body is shared by every request: hand each its own view of the bytes
    return Future.succeededFuture(new UpstreamResponse(status, h, body.slice(), null, NOTHING));
  }
}
