package dev.portico.plugins.rewrite;

import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Template;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code rewrite.path} template: the path sent to the backend, e.g.
 * {@code /v2/animals/${request.path.id}}, parsed once at load and rendered per request.
 *
 * <p>Rendering keeps the template's literal text as written and percent-encodes each placeholder's
 * value (everything but letters, digits, {@code -._~!$&'()*+,=:@} and {@code /}), except
 * {@code ${request.path...}}, which is already encoded as the client sent it. Then dot segments are
 * resolved, and the request is refused (400) when the result would climb above the template's
 * <em>base</em>, the literal text before the first placeholder up to its last {@code /}: with
 * {@code /files/${request.path.proxy}}, {@code proxy = a/../b} gives {@code /files/b}, while
 * {@code proxy = ../admin} is refused. A {@code ..} a backend may still see after decoding
 * ({@code ..%2F}, {@code ..\}, Tomcat's {@code ..;}) is refused wherever it is.
 *
 * <p>Immutable and thread-safe; rendering walks pre-parsed parts, no regex.
 */
final class BackendPath {

  private static final String KEPT = "-._~!$&'()*+,=:@/";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String text;
  /** One more than {@link #values}: literals[i] precedes values[i]. */
  private final String[] literals;
  /** Each a single placeholder. */
  private final Template[] values;
  /** Whether values[i] is already percent-encoded ({@code ${request.path...}}). */
  private final boolean[] encoded;
  /** How many leading segments of the rendered path belong to the template, not to a value. */
  private final int baseDepth;
  /** The whole path when the template has no placeholder, normalised once; otherwise null. */
  private final String constant;

  private BackendPath(String text, String[] literals, Template[] values, boolean[] encoded, int baseDepth,
      String constant) {
    this.text = text;
    this.literals = literals;
    this.values = values;
    this.encoded = encoded;
    this.baseDepth = baseDepth;
    this.constant = constant;
  }

  /**
   * Parses a path template.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  static BackendPath parse(String text) {
    if (!text.startsWith("/")) {
      throw new IllegalArgumentException("must start with '/' (was '" + text + "')");
    }
    List<String> literals = new ArrayList<>();
    List<Template> values = new ArrayList<>();
    List<Boolean> encoded = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf("${", from);
      String literal = text.substring(from, open < 0 ? text.length() : open);
      checkLiteral(literal);
      literals.add(literal);
      if (open < 0) {
        break;
      }
      int close = text.indexOf('}', open + 2);
      // Template.parse reports an unclosed placeholder, an unknown namespace or a bad name
      Template value = Template.parse(text.substring(open, close < 0 ? text.length() : close + 1), false);
      values.add(value);
      encoded.add(value.text().startsWith("${request.path."));
      from = close + 1;
    }
    boolean[] enc = new boolean[encoded.size()];
    for (int i = 0; i < enc.length; i++) {
      enc[i] = encoded.get(i);
    }
    String[] lits = literals.toArray(new String[0]);
    if (values.isEmpty()) {
      String normalised = normalizeAtLoad(text);
      if (normalised == null) {
        throw new IllegalArgumentException("'..' climbs above the root in '" + text + "'");
      }
      return new BackendPath(text, lits, new Template[0], enc, 0, normalised);
    }
    String first = lits[0];
    String base = first.substring(0, first.lastIndexOf('/') + 1);
    String resolvedBase = normalizeAtLoad(base);
    if (resolvedBase == null) {
      throw new IllegalArgumentException("'..' climbs above the root in '" + text + "'");
    }
    return new BackendPath(text, lits, values.toArray(new Template[0]), enc, depth(resolvedBase), null);
  }

  private static String normalizeAtLoad(String literalPath) {
    try {
      return normalize(literalPath, 0);
    } catch (Rejection hidden) {
      throw new IllegalArgumentException("must not hide '..' behind an encoded separator, '\\' or ';'");
    }
  }

  private static void checkLiteral(String literal) {
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("must not contain whitespace or control characters");
      }
      if (c == '?' || c == '#') {
        throw new IllegalArgumentException("is a path only: set query parameters with rewrite.query, not '" + c + "'");
      }
      if (c == '{' || c == '}') {
        throw new IllegalArgumentException(
            "'{name}' is the integration URI's syntax; here write a path parameter as ${request.path.name}");
      }
      if (c == '%' && !(i + 2 < literal.length() && isHex(literal.charAt(i + 1)) && isHex(literal.charAt(i + 2)))) {
        throw new IllegalArgumentException("'%' must start a percent-encoding such as %20");
      }
    }
  }

  /** The template as written. */
  String text() {
    return text;
  }

  /**
   * The backend path for this request.
   *
   * @throws Rejection 400 when a required value is missing, or the path would climb above its base
   *     or hide a {@code ..} behind an encoded separator
   */
  String render(RequestContext ctx) {
    if (constant != null) {
      return constant;
    }
    StringBuilder out = new StringBuilder(text.length() + 32);
    for (int i = 0; i < values.length; i++) {
      out.append(literals[i]);
      String value = values[i].render(ctx);
      if (encoded[i]) {
        out.append(value);
      } else {
        encode(value, out);
      }
    }
    out.append(literals[values.length]);
    String path = normalize(out.toString(), baseDepth);
    if (path == null) {
      throw Rejection.badRequest("rewrite.path: the path must not climb above its base with '..'");
    }
    return path;
  }

  /** Appends {@code value}, percent-encoded as UTF-8 where it is not a safe path character. */
  static void encode(String value, StringBuilder out) {
    byte[] bytes = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isSafe(c)) {
        continue;
      }
      bytes = value.getBytes(StandardCharsets.UTF_8);
      break;
    }
    if (bytes == null) {
      out.append(value);
      return;
    }
    for (byte b : bytes) {
      int u = b & 0xff;
      if (u < 0x80 && isSafe((char) u)) {
        out.append((char) u);
      } else {
        out.append('%').append(HEX[u >> 4]).append(HEX[u & 0xf]);
      }
    }
  }

  private static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || KEPT.indexOf(c) >= 0;
  }

  /**
   * Resolves {@code .} and {@code ..} segments (also percent-encoded) of an absolute path.
   *
   * @return the path, or null when a {@code ..} would remove one of the first {@code baseDepth}
   *     segments (or climb above the root)
   * @throws Rejection 400 for a segment that hides {@code ..} from this check but not from a backend
   */
  static String normalize(String path, int baseDepth) {
    if (path.indexOf('.') < 0 && path.indexOf('%') < 0 && path.indexOf('\\') < 0 && path.indexOf(';') < 0) {
      return path; // the common case: nothing to resolve or hide
    }
    List<String> segments = new ArrayList<>();
    boolean trailingSlash = false;
    int i = 1;
    while (i <= path.length()) {
      int end = path.indexOf('/', i);
      if (end < 0) {
        end = path.length();
      }
      String segment = path.substring(i, end);
      boolean last = end == path.length();
      if (isDot(segment)) {
        trailingSlash = last;
      } else if (isDotDot(segment)) {
        if (segments.size() <= baseDepth) {
          return null;
        }
        segments.remove(segments.size() - 1);
        trailingSlash = last;
      } else {
        if (hidesDotDot(segment)) {
          throw Rejection.badRequest("rewrite.path: the path must not hide '..' behind an encoded separator, '\\' or ';'");
        }
        segments.add(segment);
        trailingSlash = false;
      }
      i = end + 1;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (String segment : segments) {
      out.append('/').append(segment);
    }
    if (segments.isEmpty() || trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  private static int depth(String normalisedBase) {
    int depth = 0;
    for (int i = 1; i < normalisedBase.length(); i++) {
      if (normalisedBase.charAt(i) == '/') {
        depth++;
      }
    }
    return depth;
  }

  private static boolean isDot(String s) {
    return s.equals(".") || s.equalsIgnoreCase("%2e");
  }

  private static boolean isDotDot(String s) {
    switch (s.length()) {
      case 2:
        return s.equals("..");
      case 4:
        return s.equalsIgnoreCase(".%2e") || s.equalsIgnoreCase("%2e.");
      case 6:
        return s.equalsIgnoreCase("%2e%2e");
      default:
        return false;
    }
  }

  /** Whether a segment holds a {@code ..} between encoded separators, backslashes or before a ';' (path parameter). */
  private static boolean hidesDotDot(String segment) {
    int start = 0;
    int i = 0;
    while (i <= segment.length()) {
      int sepLength = i == segment.length() ? 1 : separatorAt(segment, i);
      if (sepLength > 0) {
        if (isDotDot(segment.substring(start, i)) && (start > 0 || i < segment.length())) {
          return true;
        }
        i += sepLength;
        start = i;
      } else {
        i++;
      }
    }
    return false;
  }

  /** The length of a separator at {@code i}: {@code %2F}, {@code %5C} (3), {@code \} or {@code ;} (1); 0 for none. */
  private static int separatorAt(String s, int i) {
    char c = s.charAt(i);
    if (c == '\\' || c == ';') {
      return 1;
    }
    if (c == '%' && i + 2 < s.length()) {
      char a = s.charAt(i + 1);
      char b = Character.toLowerCase(s.charAt(i + 2));
      if ((a == '2' && b == 'f') || (a == '5' && b == 'c')) {
        return 3;
      }
    }
    return 0;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  @Override
  public String toString() {
    return text;
  }
}
