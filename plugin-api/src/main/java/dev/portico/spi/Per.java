package dev.portico.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What a throttler counts separately, its {@code per} setting: the whole route, each principal,
 * each client address or each value of a header. Counters are always per route as well: the same
 * policy on two routes (or placed on an API, hence on each of its routes) counts each route apart.
 *
 * <pre>{@code
 * // in the factory's parse: per [route] | principal | ip | header:<Name>
 * Per per = Per.read(config, "per");
 * // in the throttler, one counter per route and caller
 * counters.takeToken(name + ' ' + ctx.routeId() + ' ' + per.caller(ctx), rate, burst);
 * }</pre>
 *
 * <p>A caller without the thing counted on is counted by its client address instead, so that it
 * neither escapes the limit nor shares one counter with every other such caller: an anonymous
 * caller under {@code per: principal} and a request without the header under
 * {@code per: header:<Name>} count as {@code per: ip} would count them. Each kind has its own
 * namespace, so a principal named {@code 10.0.0.1} and the address {@code 10.0.0.1} never share a
 * counter.
 */
public record Per(Kind kind, String header) {

  /** Header values longer than this are counted by their SHA-256, so a key stays small. */
  private static final int MAX_RAW_VALUE = 64;

  public enum Kind {
    ROUTE,
    PRINCIPAL,
    IP,
    HEADER
  }

  public static final Per ROUTE = new Per(Kind.ROUTE, null);

  /** Reads {@code key} ({@code route} when absent), reporting a bad value with its key. */
  public static Per read(ConfigReader config, String key) {
    String text = config.string(key, "route");
    switch (text) {
      case "route":
        return ROUTE;
      case "principal":
        return new Per(Kind.PRINCIPAL, null);
      case "ip":
        return new Per(Kind.IP, null);
      default:
        break;
    }
    if (text.startsWith("header:")) {
      String name = text.substring("header:".length()).trim();
      return config.checkHeaderName(key, name) ? new Per(Kind.HEADER, name) : ROUTE;
    }
    config.problem(key, "must be one of route, principal, ip, header:<Name> (was '" + text + "')");
    return ROUTE;
  }

  /**
   * Who the request is counted for, within its route: empty for {@code per: route}, else a value
   * prefixed with its kind ({@code principal=alice}, {@code ip=10.0.0.1}, {@code header=acme}).
   */
  public String caller(RequestContext ctx) {
    switch (kind) {
      case ROUTE:
        return "";
      case PRINCIPAL: {
        Principal p = ctx.principal();
        if (p == null || p.isAnonymous() || p.id().isEmpty()) {
          return ip(ctx);
        }
        return "principal=" + compact(p.id());
      }
      case IP:
        return ip(ctx);
      default: {
        String value = ctx.request().headers().get(header);
        if (value == null || value.isBlank()) {
          return ip(ctx);
        }
        return "header=" + compact(value.trim());
      }
    }
  }

  /** As written in the configuration. */
  public String label() {
    return kind == Kind.HEADER ? "header:" + header : kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String ip(RequestContext ctx) {
    return "ip=" + ctx.sourceIp();
  }

  private static String compact(String value) {
    if (value.length() <= MAX_RAW_VALUE) {
      return value;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
