package dev.portico.gateway.server;

/**
 * A chunked request body that breaks RFC 9112's framing; the message says how, in words safe to
 * send back and to log (it never quotes the client's bytes).
 */
final class MalformedChunkedBody extends IllegalArgumentException {

  MalformedChunkedBody(String reason) {
    super(reason, null);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // a client's mistake, not the gateway's: no stack to capture or log
  }
}
