package dev.portico.gateway.pipeline;

import dev.portico.spi.GatewayRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** The request as transformers see and change it; made only for routes that have transformers. */
final class OutboundRequest implements GatewayRequest {

  private String method;
  private String pathOverride;
  private final MultiMap query;
  private final MultiMap headers;
  private Buffer body;
  private boolean bodyBuffered;
  private boolean bodyReplaced;

  OutboundRequest(String method, MultiMap query, MultiMap headers) {
    this.method = method;
    this.query = query;
    this.headers = headers;
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public void method(String method) {
    this.method = method;
  }

  @Override
  public String pathOverride() {
    return pathOverride;
  }

  @Override
  public void pathOverride(String path) {
    this.pathOverride = path;
  }

  @Override
  public MultiMap query() {
    return query;
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public Buffer body() {
    return body;
  }

  @Override
  public void body(Buffer body) {
    if (!bodyBuffered) {
      throw new IllegalStateException(
          "the request body streams: return a limit from requestBodyLimit() to read or replace it");
    }
    this.body = body;
    this.bodyReplaced = true;
  }

  void bufferedBody(Buffer body) {
    this.body = body;
    this.bodyBuffered = true;
  }

  boolean bodyBuffered() {
    return bodyBuffered;
  }

  boolean bodyReplaced() {
    return bodyReplaced;
  }
}
