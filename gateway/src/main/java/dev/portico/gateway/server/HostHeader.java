package dev.portico.gateway.server;

/**
 * Whether a {@code Host} header is {@code host [":" port]} as RFC 9110 section 7.2 and RFC 3986
 * section 3.2.2 allow: an IP literal in brackets, or a name of unreserved characters, sub-delims and
 * percent-encodings (an IPv4 address is such a name), then an optional port of up to five digits.
 * Userinfo ({@code user@host}), spaces, a second colon or a path are refused: the value is copied
 * into {@code X-Forwarded-Host}, where a backend may take it for a link or a redirect.
 */
final class HostHeader {

  private HostHeader() {}

  static boolean isValid(CharSequence value) {
    int n = value.length();
    int i;
    if (n > 0 && value.charAt(0) == '[') {
      int close = indexOf(value, ']');
      if (close < 2 || !isIpLiteral(value, 1, close)) {
        return false;
      }
      i = close + 1;
    } else {
      i = 0;
      while (i < n && value.charAt(i) != ':') {
        char c = value.charAt(i);
        if (c == '%') {
          if (i + 2 >= n || Character.digit(value.charAt(i + 1), 16) < 0 || Character.digit(value.charAt(i + 2), 16) < 0) {
            return false;
          }
          i += 3;
        } else if (isUnreserved(c) || isSubDelim(c)) {
          i++;
        } else {
          return false;
        }
      }
    }
    if (i == n) {
      return true;
    }
    if (value.charAt(i) != ':' || n - i - 1 > 5) {
      return false;
    }
    for (int p = i + 1; p < n; p++) {
      char c = value.charAt(p);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return n - i - 1 == 0 || Integer.parseInt(value, i + 1, n, 10) <= 65535;
  }

  private static int indexOf(CharSequence s, char c) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** An IPv6 address (with an embedded IPv4 part) as hex digits, colons and dots. */
  private static boolean isIpLiteral(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 0x80)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUnreserved(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  private static boolean isSubDelim(char c) {
    return "!$&'()*+,;=".indexOf(c) >= 0;
  }
}
