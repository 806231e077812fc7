package dev.portico.gateway.config;

import dev.portico.gateway.routing.PathTemplate;
import dev.portico.spi.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds a route's {@code integration:}. An http {@code uri} is checked for every stage of the API
 * as it will be used: each {@code ${stage.x}} substituted must give an absolute http(s) URL, and
 * each {@code {param}} must be a parameter of the route's path, so a typo fails at load, not on the
 * first request.
 */
final class IntegrationBinder {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern PARAMETER = Pattern.compile("\\{([^{}]*)}");
  private static final String STAGE_NAMESPACE = "stage.";

  private static final String[] HTTP_KEYS = {"uri", "timeout", "idleTimeout", "trustStore"};
  private static final String LB_SCHEME = "lb://";
  private static final String[] MOCK_KEYS = {"status", "headers", "body"};

  private final Path baseDir;
  private final Set<String> upstreams;

  /** @param upstreams the upstream names an {@code lb://NAME} uri may use */
  IntegrationBinder(Path baseDir, Set<String> upstreams) {
    this.baseDir = baseDir;
    this.upstreams = upstreams;
  }

  /**
   * @param route the route's path template; null when it is itself wrong (reported elsewhere), which
   *     skips the parameter check
   */
  IntegrationDefinition bind(ConfigReader integration, Map<String, StageDefinition> stages, PathTemplate route) {
    String type = integration.string("type", "http");
    IntegrationDefinition bound;
    if (type.equals("http")) {
      bound = http(integration, stages, route);
    } else if (type.equals("mock")) {
      bound = mock(integration);
    } else {
      // Which keys apply depends on the type: checking them against a guess would only add noise.
      integration.problem("type", "must be one of http, mock (was '" + type + "')");
      integration.allow(HTTP_KEYS);
      integration.allow(MOCK_KEYS);
      bound = null;
    }
    integration.finish();
    return bound;
  }

  private IntegrationDefinition http(ConfigReader integration, Map<String, StageDefinition> stages, PathTemplate route) {
    rejectKeysOfTheOtherType(integration, MOCK_KEYS, "mock");
    String uri = integration.requiredString("uri");
    if (uri != null) {
      checkUri(integration, uri, stages, route);
    }
    Duration timeout = integration.duration("timeout", IntegrationDefinition.DEFAULT_TIMEOUT);
    if (timeout.isZero()) {
      integration.problem("timeout", "must be more than 0");
    }
    Duration idleTimeout = integration.duration("idleTimeout", IntegrationDefinition.DEFAULT_IDLE_TIMEOUT);
    if (idleTimeout.isZero()) {
      integration.problem("idleTimeout", "must be more than 0");
      idleTimeout = IntegrationDefinition.DEFAULT_IDLE_TIMEOUT;
    }
    Path trustStore = ConfigValues.pemFile(integration, "trustStore", baseDir, false);
    return new IntegrationDefinition(IntegrationDefinition.Type.HTTP, uri, timeout, idleTimeout, trustStore, 0, Map.of(), null);
  }

  private IntegrationDefinition mock(ConfigReader integration) {
    rejectKeysOfTheOtherType(integration, HTTP_KEYS, "http");
    long status = integration.integer("status", 200);
    if (status < 100 || status > 599) {
      integration.problem("status", "must be an HTTP status code (100-599)");
      status = 200;
    }
    Map<String, String> headers = integration.stringMap("headers");
    Object body = integration.value("body");
    if (body instanceof JsonObject object) {
      body = object.copy();
    } else if (body instanceof JsonArray array) {
      body = array.copy();
    }
    return new IntegrationDefinition(IntegrationDefinition.Type.MOCK, null, null, null, null, (int) status, headers, body);
  }

  private static void rejectKeysOfTheOtherType(ConfigReader integration, String[] keys, String otherType) {
    for (String key : keys) {
      if (integration.has(key)) {
        String article = otherType.equals("http") ? "an " : "a ";
        integration.problem(key, "applies only to " + article + otherType + " integration (type: " + otherType + ")");
      }
    }
  }

  private void checkUri(ConfigReader integration, String uri, Map<String, StageDefinition> stages, PathTemplate route) {
    boolean wrong = false;
    Set<String> variables = new LinkedHashSet<>();
    Matcher placeholder = PLACEHOLDER.matcher(uri);
    while (placeholder.find()) {
      String reference = placeholder.group(1);
      if (reference.startsWith(STAGE_NAMESPACE) && reference.length() > STAGE_NAMESPACE.length()) {
        variables.add(reference.substring(STAGE_NAMESPACE.length()));
      } else {
        integration.problem("uri", "${" + reference + "} cannot be used here; an integration uri takes only ${stage.<variable>}");
        wrong = true;
      }
    }
    Matcher parameter = PARAMETER.matcher(PLACEHOLDER.matcher(uri).replaceAll(""));
    while (parameter.find()) {
      String name = parameter.group(1);
      if (name.endsWith("+")) {
        integration.problem("uri", "{" + name + "} must be written {" + name.substring(0, name.length() - 1)
            + "}: a greedy parameter is referenced without '+'");
        wrong = true;
      } else if (route != null && !route.paramNames().contains(name)) {
        integration.problem("uri", "{" + name + "} is not a parameter of the route path " + route);
        wrong = true;
      }
    }
    if (wrong) {
      return;
    }
    if (variables.isEmpty()) {
      String wrongUpstream = unknownUpstream(uri);
      if (wrongUpstream != null) {
        integration.problem("uri", wrongUpstream);
      } else if (!isHttpUrl(uri) && !isUpstreamUri(uri)) {
        integration.problem("uri", "must be an absolute http or https URL with a host, or lb://<upstream>/path (was '" + uri + "')");
      }
      return;
    }
    for (StageDefinition stage : stages.values()) {
      String resolved = resolve(integration, uri, stage);
      if (resolved == null) {
        continue;
      }
      String wrongUpstream = unknownUpstream(resolved);
      if (wrongUpstream != null) {
        integration.problem("uri", "for stage '" + stage.name() + "': " + wrongUpstream);
      } else if (!isHttpUrl(resolved) && !isUpstreamUri(resolved)) {
        integration.problem("uri", "for stage '" + stage.name() + "' it is '" + resolved
            + "', which is not an absolute http or https URL with a host, or lb://<upstream>/path");
      }
    }
  }

  /** The upstream an {@code lb://NAME/path} uri names: NAME, or null when it is no such uri. */
  static String upstreamOf(String uri) {
    if (!uri.regionMatches(true, 0, LB_SCHEME, 0, LB_SCHEME.length())) {
      return null;
    }
    int end = LB_SCHEME.length();
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    return uri.substring(LB_SCHEME.length(), end);
  }

  private static boolean isUpstreamUri(String uri) {
    String name = upstreamOf(uri);
    return name != null && !name.isEmpty();
  }

  /** Why an {@code lb://} uri cannot be served (no name, or a name no upstream has), or null. */
  private String unknownUpstream(String uri) {
    String name = upstreamOf(uri);
    if (name == null) {
      return null;
    }
    if (name.isEmpty()) {
      return "lb:// must name an upstream: lb://<upstream>/path (was '" + uri + "')";
    }
    if (!upstreams.contains(name)) {
      return "unknown upstream '" + name + "' in '" + uri + "' (" + (upstreams.isEmpty()
          ? "no upstreams are configured" : "upstreams: " + String.join(", ", new java.util.TreeSet<>(upstreams))) + ")";
    }
    return null;
  }

  /** The uri with the stage's variables in it; null when one is missing (reported). */
  private static String resolve(ConfigReader integration, String uri, StageDefinition stage) {
    Matcher m = PLACEHOLDER.matcher(uri);
    StringBuilder out = new StringBuilder();
    boolean complete = true;
    while (m.find()) {
      String variable = m.group(1).substring(STAGE_NAMESPACE.length());
      String value = stage.variables().get(variable);
      if (value == null) {
        integration.problem("uri", "stage '" + stage.name() + "' has no variable '" + variable + "'");
        complete = false;
        value = "";
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return complete ? out.toString() : null;
  }

  private static boolean isHttpUrl(String text) {
    URI uri;
    try {
      // {param} is filled per request; any one segment stands in for it here.
      uri = new URI(PARAMETER.matcher(text).replaceAll("p"));
    } catch (URISyntaxException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return false;
    }
    if (uri.getHost() != null) {
      return true;
    }
    // java.net.URI leaves the host null for names it finds irregular (e.g. with '_'), which HTTP
    // clients still resolve: accept any non-empty host part of the authority.
    String authority = uri.getRawAuthority();
    if (authority == null) {
      return false;
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = host.lastIndexOf(':');
    return !(colon >= 0 ? host.substring(0, colon) : host).isEmpty();
  }
}
