package dev.portico.gateway.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Keeps a loopback-bound admin API out of reach of web pages. A page on {@code evil.example} whose
 * DNS answer is switched to {@code 127.0.0.1} (DNS rebinding) makes the browser send requests to
 * the admin port that the same-origin policy lets the page read; the browser still names
 * {@code evil.example} in {@code Host}. So on a loopback address only a loopback {@code Host} is
 * answered: {@code localhost}, {@code 127.x.y.z} or {@code [::1]}, each with or without a port.
 */
final class LoopbackHosts {

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern LOOPBACK_HOST =
      Pattern.compile("(localhost|127\\." + OCTET + "\\." + OCTET + "\\." + OCTET + "|\\[::1\\])", Pattern.CASE_INSENSITIVE);
  private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private LoopbackHosts() {}

  /**
   * Whether the admin API listens on loopback only: {@code localhost}, an address in
   * {@code 127.0.0.0/8} or {@code ::1}. Names other than {@code localhost} are not resolved: an
   * interface's name or {@code 0.0.0.0} is reachable from elsewhere, where any {@code Host} is fair.
   */
  static boolean isLoopback(String bindHost) {
    String host = bindHost.trim();
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!IPV4_LITERAL.matcher(host).matches() && host.indexOf(':') < 0) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Whether the request names a loopback host: exactly one {@code Host} (the {@code :authority} of
   * HTTP/2), and it is one of the loopback names. A request without one (HTTP/1.0) is refused too.
   */
  static boolean named(HttpServerRequest req) {
    if (req.headers().getAll(HttpHeaders.HOST).size() > 1) {
      return false;
    }
    HostAndPort authority = req.authority();
    return authority != null && LOOPBACK_HOST.matcher(authority.host()).matches();
  }
}
