package dev.portico.gateway.routing;

/**
 * The request target as the gateway routes and forwards it, or the reason it is refused (400).
 *
 * <p>The rules, so that no path reaches a route, or a backend, that its plain form would not:
 * <ul>
 *   <li>control bytes (0x00–0x1F, 0x7F) anywhere, or a {@code %} not followed by two hex digits,
 *       make the target unreadable;</li>
 *   <li>raw non-ASCII bytes are percent-encoded, once ({@code é} sent as UTF-8 becomes
 *       {@code %C3%A9}): the HTTP decoder hands them over one char per byte, and passing those
 *       chars on would encode them a second time;</li>
 *   <li>each path segment is percent-decoded and its {@code ;parameters} removed: a segment that is
 *       then {@code ..} is refused ({@code ..;}, {@code %2e%2e}, {@code .%2e} alike, as Tomcat-style
 *       backends would climb with them), also when it sits behind an encoded separator
 *       ({@code x%2F..}) or a backslash; a segment that is {@code .} is removed;</li>
 *   <li>percent-encoded unreserved characters ({@code %41} for {@code A}) are decoded, so routing
 *       sees one spelling of each path; every other encoding is kept as sent.</li>
 * </ul>
 * Most targets need none of it and are returned as they are, after one scan.
 */
public final class RequestPaths {

  private RequestPaths() {}

  /** Why a request target is refused; the message is safe to send back (it never quotes the target). */
  public static final class InvalidTarget extends IllegalArgumentException {
    InvalidTarget(String reason) {
      super(reason, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a client's mistake: no stack to capture or log
    }
  }

  private static final int NON_ASCII = 1;
  private static final int PERCENT = 2;
  private static final int DOT_OR_BACKSLASH = 4;

  /**
   * The path to route by.
   *
   * @throws InvalidTarget when the path breaks the rules above
   */
  public static String normalize(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    int found = scan(path);
    if ((found & (PERCENT | DOT_OR_BACKSLASH)) == 0) {
      return (found & NON_ASCII) == 0 ? path : encodeNonAscii(path);
    }
    return resolveSegments((found & NON_ASCII) == 0 ? path : encodeNonAscii(path));
  }

  /**
   * The query string to forward: as sent when it is readable, with raw non-ASCII bytes
   * percent-encoded; null stays null.
   *
   * @throws InvalidTarget for control bytes or a broken percent-encoding
   */
  public static String query(String query) {
    if (query == null || query.isEmpty()) {
      return query;
    }
    return (scan(query) & NON_ASCII) == 0 ? query : encodeNonAscii(query);
  }

  /** One pass over the text: refuses what is unreadable, and says what the slow path has to do. */
  private static int scan(String s) {
    int found = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidTarget("control character in the request target");
      }
      if (c >= 0x80) {
        found |= NON_ASCII;
      } else if (c == '%') {
        if (i + 2 >= n || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
          throw new InvalidTarget("malformed percent-encoding in the request target");
        }
        found |= PERCENT;
        i += 2;
      } else if (c == '\\' || c == '.' && i > 0 && s.charAt(i - 1) == '/') {
        found |= DOT_OR_BACKSLASH;
      }
    }
    return found;
  }

  private static String resolveSegments(String path) {
    StringBuilder out = new StringBuilder(path.length());
    int start = path.charAt(0) == '/' ? 1 : 0;
    boolean endsWithSlash = false;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(start, end);
      String decoded = decode(segment);
      if (isDotDot(decoded)) {
        throw new InvalidTarget("'..' segment in the path");
      }
      boolean last = end == path.length();
      if (isDot(decoded)) {
        endsWithSlash = last; // "/a/." is "/a/"
      } else {
        if (decoded.indexOf('/') >= 0 || decoded.indexOf('\\') >= 0) {
          refuseHiddenDotDot(decoded);
        }
        out.append('/').append(decodeUnreserved(segment));
        endsWithSlash = false;
      }
      start = end + 1;
    }
    if (endsWithSlash || out.length() == 0) {
      out.append('/');
    }
    return out.toString();
  }

  /** A ".." behind a separator that the path carried encoded ({@code %2F}) or as a backslash. */
  private static void refuseHiddenDotDot(String decoded) {
    int from = 0;
    for (int i = 0; i <= decoded.length(); i++) {
      if (i == decoded.length() || decoded.charAt(i) == '/' || decoded.charAt(i) == '\\') {
        if (isDotDot(decoded.substring(from, i))) {
          throw new InvalidTarget("'..' behind an encoded separator in the path");
        }
        from = i + 1;
      }
    }
  }

  private static boolean isDotDot(String decodedSegment) {
    return withoutParameters(decodedSegment).equals("..");
  }

  private static boolean isDot(String decodedSegment) {
    return withoutParameters(decodedSegment).equals(".");
  }

  private static String withoutParameters(String segment) {
    int semicolon = segment.indexOf(';');
    return semicolon < 0 ? segment : segment.substring(0, semicolon);
  }

  /** Percent-decoded, one char per byte: enough to see dots, separators and semicolons. */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    StringBuilder sb = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        sb.append((char) (hex(segment.charAt(i + 1)) << 4 | hex(segment.charAt(i + 2))));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The segment with {@code %XX} of unreserved characters (RFC 3986 section 2.3) decoded, the rest as sent. */
  private static String decodeUnreserved(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    StringBuilder sb = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        char d = (char) (hex(segment.charAt(i + 1)) << 4 | hex(segment.charAt(i + 2)));
        if (isUnreserved(d)) {
          sb.append(d);
        } else {
          sb.append(segment, i, i + 3);
        }
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isUnreserved(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
        || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /**
   * Each char of 0x80 and above as {@code %XX}: the HTTP decoder gives one char per byte of the
   * request line (ISO-8859-1), so a char is a byte of the client's UTF-8. A char above 0xFF cannot
   * come from there, and is encoded as its own UTF-8 bytes.
   */
  private static String encodeNonAscii(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        sb.append(c);
      } else if (c <= 0xff) {
        appendByte(sb, c);
      } else {
        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          appendByte(sb, b & 0xff);
        }
      }
    }
    return sb.toString();
  }

  private static void appendByte(StringBuilder sb, int b) {
    sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
  }

  private static int hex(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }
}
