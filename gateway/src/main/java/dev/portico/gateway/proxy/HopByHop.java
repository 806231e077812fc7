package dev.portico.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * Copies headers from one hop to the next without the hop-by-hop ones (RFC 9110 section 7.6.1):
 * {@code Connection} and every header it names, {@code Keep-Alive}, {@code Proxy-Connection},
 * {@code TE}, {@code Trailer}, {@code Transfer-Encoding}, {@code Upgrade},
 * {@code Proxy-Authorization}, {@code Proxy-Authenticate}.
 *
 * <p>From a client's request it also leaves out {@code Forwarded}, {@code X-Real-IP} and
 * {@code True-Client-IP} unless the connection comes from a trusted proxy: a backend reading them
 * would believe whatever address the client wrote there. The backend learns the client from
 * {@code X-Forwarded-For}, which the gateway writes itself.
 */
public final class HopByHop {

  private static final int PASS = 0;
  private static final int HOP = 1;
  private static final int EXPECT = 2;
  private static final int CLIENT_ADDRESS = 3;

  private HopByHop() {}

  /** Whether a header name is hop-by-hop by definition (not counting those named in Connection). */
  public static boolean isHopByHop(CharSequence name) {
    return kind(name) == HOP;
  }

  /** What a header name is to a copy: one switch per name, since this runs for every header of every request and response. */
  private static int kind(CharSequence name) {
    switch (name.length()) {
      case 2:
        return eq(name, "te") ? HOP : PASS;
      case 6:
        return eq(name, "expect") ? EXPECT : PASS;
      case 7:
        return eq(name, "trailer") || eq(name, "upgrade") ? HOP : PASS;
      case 9:
        return eq(name, "forwarded") || eq(name, "x-real-ip") ? CLIENT_ADDRESS : PASS;
      case 10:
        return eq(name, "connection") || eq(name, "keep-alive") ? HOP : PASS;
      case 14:
        return eq(name, "true-client-ip") ? CLIENT_ADDRESS : PASS;
      case 16:
        return eq(name, "proxy-connection") ? HOP : PASS;
      case 17:
        return eq(name, "transfer-encoding") ? HOP : PASS;
      case 18:
        return eq(name, "proxy-authenticate") ? HOP : PASS;
      case 19:
        return eq(name, "proxy-authorization") ? HOP : PASS;
      default:
        return PASS;
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
   * Copies every end-to-end header of {@code from} into {@code to}, client-address headers
   * included: for a response, or for a request as transformers left it (they may set those headers
   * on purpose).
   *
   * @param skipExpect also drop {@code Expect}: the gateway answers {@code 100-continue} itself
   */
  public static void copy(MultiMap from, MultiMap to, boolean skipExpect) {
    copy(from, to, skipExpect, null, null);
  }

  /**
   * Copies a client's request headers for the backend: the end-to-end ones but {@code Expect}, and
   * the client-address headers only when the connection's peer is one of {@code addresses}' trusted
   * proxies. The peer is looked at only if such a header is there, which it rarely is.
   */
  public static void copyFromClient(HttpServerRequest client, MultiMap to, ClientAddress addresses) {
    copy(client.headers(), to, true, client, addresses);
  }

  private static void copy(MultiMap from, MultiMap to, boolean skipExpect, HttpServerRequest client, ClientAddress addresses) {
    String connection = from.get(HttpHeaders.CONNECTION);
    boolean named = connection != null && connection.indexOf(',') >= 0 || connection != null && !isPlainToken(connection);
    int peerTrusted = -1; // not decided yet
    for (Map.Entry<String, String> e : from) {
      String name = e.getKey();
      switch (kind(name)) {
        case HOP:
          continue;
        case EXPECT:
          if (skipExpect) {
            continue;
          }
          break;
        case CLIENT_ADDRESS:
          if (client != null) {
            if (peerTrusted < 0) {
              peerTrusted = addresses.trustsPeerOf(client) ? 1 : 0;
            }
            if (peerTrusted == 0) {
              continue;
            }
          }
          break;
        default:
          break;
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
