package dev.portico.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Map;

/**
 * Copies headers from one hop to the next without the hop-by-hop ones (RFC 9110 section 7.6.1):
 * {@code Connection} and every header it names, {@code Keep-Alive}, {@code Proxy-Connection},
 * {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade},
 * {@code Proxy-Authorization}, {@code Proxy-Authenticate}.
 */
public final class HopByHop {

  private HopByHop() {}

  /** Whether a header name is hop-by-hop by definition (not counting those named in Connection). */
  public static boolean isHopByHop(CharSequence name) {
    // dispatch on length first: this runs for every header of every request and response
    switch (name.length()) {
      case 2:
        return eq(name, "te");
      case 7:
        return eq(name, "trailer") || eq(name, "upgrade");
      case 10:
        return eq(name, "connection") || eq(name, "keep-alive");
      case 16:
        return eq(name, "proxy-connection");
      case 17:
        return eq(name, "transfer-encoding");
      case 18:
        return eq(name, "proxy-authenticate");
      case 19:
        return eq(name, "proxy-authorization");
      default:
        return false;
    }
  }

  private static boolean eq(CharSequence a, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      char c = a.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copies every end-to-end header of {@code from} into {@code to}.
   *
   * @param skipExpect also drop {@code Expect}: the gateway answers {@code 100-continue} itself
   */
  public static void copy(MultiMap from, MultiMap to, boolean skipExpect) {
    String connection = from.get(HttpHeaders.CONNECTION);
    boolean named = connection != null && connection.indexOf(',') >= 0 || connection != null && !isPlainToken(connection);
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey();
      if (isHopByHop(name) || skipExpect && name.length() == 6 && eq(name, "expect")) {
        continue;
      }
      if (named && namedIn(connection, name)) {
        continue;
      }
      to.add(name, e.getValue());
    }
  }

  /** "close" and "keep-alive" name no other header; anything else may. */
  private static boolean isPlainToken(String connection) {
    String c = connection.trim();
    return c.equalsIgnoreCase("close") || c.equalsIgnoreCase("keep-alive");
  }

  private static boolean namedIn(String connection, String name) {
    int start = 0;
    int n = connection.length();
    while (start < n) {
      int comma = connection.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      int a = start;
      int b = end;
      while (a < b && connection.charAt(a) == ' ' || a < b && connection.charAt(a) == '\t') {
        a++;
      }
      while (b > a && (connection.charAt(b - 1) == ' ' || connection.charAt(b - 1) == '\t')) {
        b--;
      }
      if (b - a == name.length() && connection.regionMatches(true, a, name, 0, name.length())) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }
}
