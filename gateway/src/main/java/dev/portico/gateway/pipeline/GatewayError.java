package dev.portico.gateway.pipeline;

import dev.portico.gateway.logging.LogText;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.buffer.Buffer;

/**
 * The body of every error the gateway produces itself:
 * {@code {"message": "Too Many Requests", "status": 429, "requestId": "…"}}.
 */
public final class GatewayError {

  public static final String CONTENT_TYPE = "application/json";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

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

  /**
   * Appends {@code s} as a JSON string. Every control character is escaped, DEL and C1 included
   * (JSON requires it only below 0x20): these strings also make up the access log, where a raw
   * ESC or CSI from a request would reach the terminal that shows it.
   */
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
          if (LogText.isControl(c)) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
