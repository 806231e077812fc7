package dev.portico.gateway.pipeline;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;

/**
 * The body of every error the gateway produces itself:
 * {@code {"message": "Too Many Requests", "status": 429, "requestId": "…"}}.
 */
public final class GatewayError {

  public static final String CONTENT_TYPE = "application/json";

  private GatewayError() {}

  /** The standard reason phrase of a status, e.g. "Bad Gateway". */
  public static String reason(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }

  public static Buffer body(int status, String message, String requestId) {
    StringBuilder sb = new StringBuilder(64 + (message == null ? 0 : message.length()));
    sb.append("{\"message\":");
    quote(sb, message == null ? reason(status) : message);
    sb.append(",\"status\":").append(status).append(",\"requestId\":");
    quote(sb, requestId == null ? "" : requestId);
    sb.append('}');
    return Buffer.buffer(sb.toString());
  }

  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
