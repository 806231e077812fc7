package dev.portico.gateway.pipeline;

import dev.portico.spi.GatewayResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The response on its way to the client: its head, and its body either buffered or still a stream
 * from the integration.
 */
final class OutboundResponse implements GatewayResponse {

  private int status;
  private final MultiMap headers;
  private Buffer body;
  private ReadStream<Buffer> stream;
  private final boolean fromGateway;

  OutboundResponse(int status, MultiMap headers, Buffer body, ReadStream<Buffer> stream, boolean fromGateway) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.stream = stream;
    this.fromGateway = fromGateway;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public void status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    this.status = status;
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
    this.body = body;
    if (stream != null) {
      // the new body replaces what the backend is still sending: drop the rest of it
      ReadStream<Buffer> s = stream;
      stream = null;
      s.handler(null);
      s.resume();
    }
  }

  /** The backend's body, still to be streamed; null once buffered or replaced. */
  ReadStream<Buffer> stream() {
    return stream;
  }

  void replaceStream(ReadStream<Buffer> stream) {
    this.stream = stream;
  }

  void buffered(Buffer body) {
    this.body = body;
    this.stream = null;
  }

  @Override
  public boolean fromGateway() {
    return fromGateway;
  }
}
