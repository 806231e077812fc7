package dev.portico.gateway.logging;

/**
 * Log text made harmless to whatever displays it: every control character (C0 {@code 0x00–0x1F},
 * DEL {@code 0x7F} and C1 {@code 0x80–0x9F}) becomes {@code \}{@code u00XX}. A request can put
 * such characters where a log line quotes it (a path, a decoder's complaint), and unescaped they
 * would forge log lines (CR, LF) or drive the terminal an operator reads the log in (ESC, CSI).
 *
 * <p>The escape is the JSON one, so the access log's JSON lines stay valid JSON. Backslashes are
 * left as they are: doubling them would corrupt those lines, and a forged {@code \}{@code u001b}
 * is only text.
 */
public final class LogText {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogText() {}

  /** {@code text} with its control characters escaped; the same instance when it has none. */
  public static String escapeControls(String text) {
    if (text == null) {
      return null;
    }
    int first = firstControl(text);
    if (first < 0) {
      return text; // nearly every line: no copy
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    sb.append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isControl(c)) {
        sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Whether {@code c} is a control character: Unicode's category Cc. */
  public static boolean isControl(char c) {
    return c < 0x20 || c >= 0x7f && c <= 0x9f;
  }

  private static int firstControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (isControl(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
