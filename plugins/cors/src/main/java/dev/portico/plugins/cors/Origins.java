package dev.portico.plugins.cors;

import java.util.Locale;

/** How an origin is written in the configuration and compared with a request's {@code Origin}. */
final class Origins {

  private Origins() {}

  /**
   * An origin as a browser serialises it ({@code scheme://host[:port]}): lower-case, without the
   * scheme's default port, so that {@code https://App.example.com:443} matches
   * {@code Origin: https://app.example.com}.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  static String normalize(String origin) {
    int sep = origin.indexOf("://");
    if (sep <= 0) {
      throw new IllegalArgumentException("'" + origin + "' is not an origin: write scheme://host[:port], e.g. https://app.example.com");
    }
    String scheme = origin.substring(0, sep).toLowerCase(Locale.ROOT);
    for (int i = 0; i < scheme.length(); i++) {
      char c = scheme.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
      if (!ok) {
        throw new IllegalArgumentException("'" + origin + "' has an invalid scheme");
      }
    }
    String authority = origin.substring(sep + 3).toLowerCase(Locale.ROOT);
    if (authority.endsWith("/")) {
      throw new IllegalArgumentException(
          "'" + origin + "' is not an origin: an origin has no path, not even '/' (write '" + origin.substring(0, origin.length() - 1) + "')");
    }
    for (int i = 0; i < authority.length(); i++) {
      char c = authority.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@' || c == '*') {
        throw new IllegalArgumentException("'" + origin + "' is not an origin: write scheme://host[:port] (no path, "
            + "user or wildcard; non-ASCII hosts in their xn-- form)");
      }
    }
    int colon = authority.lastIndexOf(':');
    String host = authority;
    if (colon > authority.lastIndexOf(']')) {
      host = authority.substring(0, colon);
      String port = authority.substring(colon + 1);
      if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(ch -> ch >= '0' && ch <= '9')
          || Integer.parseInt(port) > 65535) {
        throw new IllegalArgumentException("'" + origin + "' has an invalid port");
      }
      if (("https".equals(scheme) && port.equals("443")) || ("http".equals(scheme) && port.equals("80"))) {
        authority = host;
      }
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException("'" + origin + "' has no host");
    }
    return scheme + "://" + authority;
  }
}
