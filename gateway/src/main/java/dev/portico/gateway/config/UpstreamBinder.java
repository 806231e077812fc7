package dev.portico.gateway.config;

import dev.portico.gateway.config.UpstreamDefinition.ActiveChecks;
import dev.portico.gateway.config.UpstreamDefinition.Balance;
import dev.portico.gateway.config.UpstreamDefinition.Breaker;
import dev.portico.gateway.config.UpstreamDefinition.PassiveChecks;
import dev.portico.gateway.config.UpstreamDefinition.Retries;
import dev.portico.gateway.config.UpstreamDefinition.StatusRange;
import dev.portico.gateway.config.UpstreamDefinition.Target;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Template;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the top-level {@code upstreams:} list. Every default is the one docs/CONFIGURATION.md
 * gives; a section written as a map takes the defaults for the keys it leaves out.
 */
final class UpstreamBinder {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern STATUS_RANGE = Pattern.compile("([1-5][0-9][0-9])(?:-([1-5][0-9][0-9]))?");
  private static final Pattern PERCENT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*%");
  private static final int MAX_WEIGHT = 65_535;

  private final Path baseDir;
  private final List<String> problems;

  UpstreamBinder(Path baseDir, List<String> problems) {
    this.baseDir = baseDir;
    this.problems = problems;
  }

  List<UpstreamDefinition> bind(JsonArray list, String path) {
    List<UpstreamDefinition> upstreams = new ArrayList<>();
    if (list == null) {
      return upstreams;
    }
    Map<String, String> pathsByName = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigReader upstream = ConfigValues.item(list, i, path, problems);
      if (upstream == null) {
        continue;
      }
      UpstreamDefinition bound = upstream(upstream);
      if (bound.name() != null) {
        String first = pathsByName.putIfAbsent(bound.name(), upstream.path());
        if (first != null) {
          upstream.problem("name", "duplicate upstream name '" + bound.name() + "' (first at " + first + ")");
        }
      }
      upstreams.add(bound);
    }
    return upstreams;
  }

  private UpstreamDefinition upstream(ConfigReader upstream) {
    String name = upstream.requiredString("name");
    if (name != null && !NAME.matcher(name).matches()) {
      upstream.problem("name", "must be letters, digits, '.', '_' or '-' (was '" + name + "')");
    }
    List<Target> targets = targets(upstream);
    Balance balance = balance(upstream);
    String hashOn = upstream.string("hashOn", null);
    if (balance == Balance.HASH) {
      if (hashOn == null || hashOn.isBlank()) {
        upstream.problem("hashOn", "is required with balance: hash (a template such as ${request.header.X-User})");
      } else {
        try {
          Template.parse(hashOn, false);
        } catch (IllegalArgumentException e) {
          upstream.problem("hashOn", e.getMessage());
        }
      }
    } else if (hashOn != null) {
      upstream.problem("hashOn", "applies only with balance: hash");
      hashOn = null;
    }
    int maxConnections = (int) bounded(upstream, "maxConnectionsPerTarget",
        UpstreamDefinition.DEFAULT_MAX_CONNECTIONS_PER_TARGET, 1, 100_000);
    ActiveChecks active = null;
    PassiveChecks passive = PassiveChecks.DEFAULTS;
    ConfigReader checks = upstream.object("healthChecks");
    if (checks != null) {
      active = active(checks);
      passive = passive(checks);
      checks.finish();
    }
    Retries retries = retries(upstream.object("retries"));
    Breaker breaker = breaker(upstream.object("circuitBreaker"));
    Path trustStore = ConfigValues.pemFile(upstream, "trustStore", baseDir, false);
    upstream.finish();
    return new UpstreamDefinition(name, targets, balance, balance == Balance.HASH ? hashOn : null, maxConnections,
        active, passive, retries, breaker, trustStore);
  }

  private List<Target> targets(ConfigReader upstream) {
    List<Target> targets = new ArrayList<>();
    JsonArray list = ConfigValues.list(upstream, "targets");
    if (list == null) {
      if (!upstream.has("targets")) {
        upstream.problem("targets", "is required (at least one { url: \"http://host:port\" })");
      }
      return targets;
    }
    if (list.isEmpty()) {
      upstream.problem("targets", "must hold at least one target");
    }
    String listPath = upstream.pathOf("targets");
    Set<String> urls = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.getValue(i);
      ConfigReader target = item instanceof String url
          ? new ConfigReader(new JsonObject().put("url", url), ConfigValues.index(listPath, i), problems)
          : ConfigValues.item(list, i, listPath, problems);
      if (target == null) {
        continue;
      }
      Target bound = target(target);
      target.finish();
      if (bound != null) {
        if (!urls.add(bound.url())) {
          target.problem("url", "the same target is listed twice: " + bound.url());
        } else {
          targets.add(bound);
        }
      }
    }
    return targets;
  }

  private static Target target(ConfigReader target) {
    String written = target.requiredString("url");
    int weight = (int) bounded(target, "weight", UpstreamDefinition.DEFAULT_WEIGHT, 0, MAX_WEIGHT);
    if (written == null) {
      return null;
    }
    String url = written.endsWith("/") ? written.substring(0, written.length() - 1) : written;
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      uri = null;
    }
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      target.problem("url", "must be an http or https URL with a host, such as http://10.0.0.5:8080 (was '" + written + "')");
      return null;
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      target.problem("url", "must be only scheme, host and port: the path comes from the integration's lb:// uri (was '"
          + written + "')");
      return null;
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    return new Target(url, scheme, host, port, weight);
  }

  private static Balance balance(ConfigReader upstream) {
    String written = upstream.oneOf("balance", Balance.ROUND_ROBIN.written(),
        "round-robin", "least-requests", "random", "hash");
    for (Balance b : Balance.values()) {
      if (b.written().equals(written)) {
        return b;
      }
    }
    return Balance.ROUND_ROBIN;
  }

  private ActiveChecks active(ConfigReader checks) {
    Object value = checks.value("active");
    if (value == null || Boolean.FALSE.equals(value) || "false".equals(value)) {
      return null;
    }
    ConfigReader active = checks.object("active");
    if (active == null) {
      return null; // reported: must be a map
    }
    String path = active.string("path", "/health");
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      active.problem("path", "must start with '/' and hold no spaces or control characters (was '" + path + "')");
      path = "/health";
    }
    Duration interval = positiveDuration(active, "interval", Duration.ofSeconds(5));
    Duration timeout = positiveDuration(active, "timeout", Duration.ofSeconds(1));
    int healthyAfter = (int) bounded(active, "healthyAfter", 2, 1, 1000);
    int unhealthyAfter = (int) bounded(active, "unhealthyAfter", 3, 1, 1000);
    List<StatusRange> statuses = statuses(active);
    active.finish();
    return new ActiveChecks(path, interval, timeout, healthyAfter, unhealthyAfter, statuses);
  }

  private List<StatusRange> statuses(ConfigReader active) {
    List<String> written = active.strings("statuses", List.of("200-399"));
    List<StatusRange> ranges = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      Matcher m = STATUS_RANGE.matcher(written.get(i).trim());
      int from = m.matches() ? Integer.parseInt(m.group(1)) : -1;
      int to = m.matches() ? (m.group(2) == null ? from : Integer.parseInt(m.group(2))) : -1;
      if (from < 0 || to < from) {
        problems.add(active.pathOf("statuses") + "[" + i + "]: must be a status such as 200 or a range such as 200-399 (was '"
            + written.get(i) + "')");
      } else {
        ranges.add(new StatusRange(from, to));
      }
    }
    if (ranges.isEmpty()) {
      ranges.add(new StatusRange(200, 399));
    }
    return ranges;
  }

  private PassiveChecks passive(ConfigReader checks) {
    Object value = checks.value("passive");
    if (Boolean.FALSE.equals(value) || "false".equals(value)) {
      return null;
    }
    if (value == null) {
      return PassiveChecks.DEFAULTS;
    }
    ConfigReader passive = checks.object("passive");
    if (passive == null) {
      return PassiveChecks.DEFAULTS; // reported: must be a map
    }
    PassiveChecks d = PassiveChecks.DEFAULTS;
    int unhealthyAfter = (int) bounded(passive, "unhealthyAfter", d.unhealthyAfter(), 1, 1000);
    Duration ejectFor = positiveDuration(passive, "ejectFor", d.ejectFor());
    int maxEjected = (int) bounded(passive, "maxEjectedPercent", d.maxEjectedPercent(), 0, 100);
    passive.finish();
    return new PassiveChecks(unhealthyAfter, ejectFor, maxEjected);
  }

  private Retries retries(ConfigReader retries) {
    if (retries == null) {
      return null;
    }
    int count = (int) bounded(retries, "count", 2, 0, 10);
    List<String> on = retries.strings("on", List.copyOf(Retries.DEFAULT_ON));
    Set<String> conditions = new LinkedHashSet<>();
    for (int i = 0; i < on.size(); i++) {
      String condition = on.get(i).trim().toLowerCase(Locale.ROOT);
      if (condition.equals("connect-failure") || condition.equals("reset") || condition.matches("5[0-9][0-9]")) {
        conditions.add(condition);
      } else {
        problems.add(retries.pathOf("on") + "[" + i + "]: must be connect-failure, reset or a 5xx status such as 503 (was '"
            + on.get(i) + "')");
      }
    }
    Duration perTry = null;
    if (retries.has("perTryTimeout")) {
      perTry = positiveDuration(retries, "perTryTimeout", null);
    }
    Duration backoff = retries.duration("backoff", Duration.ofMillis(25));
    if (backoff.isNegative()) {
      retries.problem("backoff", "must not be negative");
      backoff = Duration.ofMillis(25);
    }
    long maxBodySize = retries.size("maxBodySize", 64 * 1024);
    retries.finish();
    return new Retries(count, conditions, perTry, backoff, maxBodySize);
  }

  private static Breaker breaker(ConfigReader breaker) {
    if (breaker == null) {
      return null;
    }
    double rate = 0.5;
    Object written = breaker.value("failureRate");
    if (written != null) {
      Matcher m = PERCENT.matcher(String.valueOf(written).trim());
      double percent = m.matches() ? Double.parseDouble(m.group(1))
          : written instanceof Number n ? n.doubleValue() : -1;
      if (percent <= 0 || percent > 100) {
        breaker.problem("failureRate", "must be a percentage above 0 and up to 100%, such as 50% (was '" + written + "')");
      } else {
        rate = percent / 100;
      }
    }
    int minRequests = (int) bounded(breaker, "minRequests", 20, 1, 1_000_000);
    Duration window = positiveDuration(breaker, "window", Duration.ofSeconds(10));
    Duration openFor = positiveDuration(breaker, "openFor", Duration.ofSeconds(30));
    int halfOpen = (int) bounded(breaker, "halfOpenRequests", 5, 1, 10_000);
    breaker.finish();
    return new Breaker(rate, minRequests, window, openFor, halfOpen);
  }

  private static long bounded(ConfigReader reader, String key, long defaultValue, long min, long max) {
    long n = reader.integer(key, defaultValue);
    if (n < min || n > max) {
      reader.problem(key, "must be a whole number from " + min + " to " + max + reader.was(key));
      return defaultValue;
    }
    return n;
  }

  private static Duration positiveDuration(ConfigReader reader, String key, Duration defaultValue) {
    Duration d = reader.duration(key, defaultValue);
    if (d != null && (d.isZero() || d.isNegative())) {
      reader.problem(key, "must be more than 0");
      return defaultValue;
    }
    return d;
  }
}
