package dev.portico.gateway.config;

import dev.portico.gateway.routing.PathTemplate;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Binds one API: name, base path, stages, policies and routes (with their integrations). */
final class ApiBinder {

  private static final Pattern API_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z0-9_-]+");
  static final List<String> HTTP_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");

  private final Map<String, PolicyFactory<?>> factories;
  private final IntegrationBinder integrations;
  private final List<String> problems;
  private final Path baseDir;

  ApiBinder(Map<String, PolicyFactory<?>> factories, Path baseDir, Set<String> upstreams, List<String> problems) {
    this.factories = factories;
    this.baseDir = baseDir;
    this.integrations = new IntegrationBinder(baseDir, upstreams);
    this.problems = problems;
  }

  ApiDefinition bind(ConfigReader api) {
    String tooDeep = NestingLimit.problem(api.json(), api.path());
    if (tooDeep != null) {
      // nothing else is read: copying or binding it is what the limit is there to avoid
      problems.add(tooDeep);
      return new ApiDefinition(api.value("name") instanceof String n ? n : null, "", Map.of(), List.of(), List.of(), null);
    }
    JsonObject source = api.json() == null ? new JsonObject() : api.json().copy();
    String name = api.requiredString("name");
    if (name != null && !API_NAME.matcher(name).matches()) {
      api.problem("name", "must be letters, digits, '.', '_' or '-' (was '" + name + "')");
    }
    String basePath = basePath(api);
    Map<String, StageDefinition> stages = stages(api);
    List<PolicyRef> policies = policies(api);
    List<RouteDefinition> routes = new ArrayList<>();
    JsonArray list = ConfigValues.list(api, "routes");
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        ConfigReader route = ConfigValues.item(list, i, api.pathOf("routes"), problems);
        if (route != null) {
          routes.add(route(route, stages));
        }
      }
    }
    api.finish();
    return new ApiDefinition(name, basePath, stages, policies, routes, source);
  }

  /** Normalised: a leading '/', no trailing '/', "" for the root. */
  private static String basePath(ConfigReader api) {
    String written = api.string("basePath", "").trim();
    String path = written.startsWith("/") ? written : "/" + written;
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.equals("/")) {
      return "";
    }
    try {
      for (PathTemplate.Segment segment : PathTemplate.parse(path).segments()) {
        if (!(segment instanceof PathTemplate.Literal)) {
          api.problem("basePath", "must be literal segments only, without {parameters} (was '" + written + "')");
          return "";
        }
      }
    } catch (IllegalArgumentException e) {
      api.problem("basePath", e.getMessage());
      return "";
    }
    return path;
  }

  private Map<String, StageDefinition> stages(ConfigReader api) {
    Map<String, StageDefinition> stages = new LinkedHashMap<>();
    ConfigReader section = api.object("stages");
    if (section != null) {
      for (String name : section.json().fieldNames()) {
        Object value = section.value(name);
        if (!name.equals(ApiDefinition.DEFAULT_STAGE) && !STAGE_NAME.matcher(name).matches()) {
          section.problem(name, "a stage name must be $default or letters, digits, '_' or '-'");
          continue;
        }
        if (value != null && !(value instanceof JsonObject)) {
          section.problem(name, "must be a map (e.g. { variables: { backend: \"http://...\" } })");
          continue;
        }
        ConfigReader stage = new ConfigReader((JsonObject) value, section.pathOf(name), problems);
        stages.put(name, new StageDefinition(name, stage.stringMap("variables")));
        stage.finish();
      }
    }
    if (stages.isEmpty()) {
      stages.put(ApiDefinition.DEFAULT_STAGE, new StageDefinition(ApiDefinition.DEFAULT_STAGE, Map.of()));
    }
    return stages;
  }

  private RouteDefinition route(ConfigReader route, Map<String, StageDefinition> stages) {
    String path = route.requiredString("path");
    PathTemplate template = null;
    if (path != null) {
      try {
        template = PathTemplate.parse(path);
      } catch (IllegalArgumentException e) {
        route.problem("path", e.getMessage());
      }
    }
    Set<String> methods = methods(route);
    IntegrationDefinition integration = null;
    ConfigReader section = route.object("integration");
    if (section != null) {
      integration = integrations.bind(section, stages, template);
    } else if (!route.has("integration")) {
      route.problem("integration", "is required");
    }
    List<PolicyRef> policies = policies(route);
    route.finish();
    return new RouteDefinition(path, methods, integration, policies, route.path());
  }

  /** Upper-cased; empty for any method. */
  private Set<String> methods(ConfigReader route) {
    Object value = route.value("methods");
    JsonArray list;
    if (value == null) {
      return Set.of();
    } else if (value instanceof String single) {
      list = new JsonArray().add(single);
    } else if (value instanceof JsonArray array) {
      list = array;
    } else {
      route.problem("methods", "must be a list of HTTP methods, e.g. [GET, POST]");
      return Set.of();
    }
    Set<String> methods = new LinkedHashSet<>();
    String path = route.pathOf("methods");
    for (int i = 0; i < list.size(); i++) {
      Object item = list.getValue(i);
      String itemPath = value instanceof String ? path : ConfigValues.index(path, i);
      if (!(item instanceof String text)) {
        problems.add(itemPath + ": must be a string");
        continue;
      }
      String method = text.trim().toUpperCase(Locale.ROOT);
      if (HTTP_METHODS.contains(method)) {
        methods.add(method);
      } else {
        problems.add(itemPath + ": unknown HTTP method '" + text + "' (leave methods out to allow any method)");
      }
    }
    return methods;
  }

  /** The {@code policies:} list of an API or a route; each item is {@code - <name>: <config>}. */
  private List<PolicyRef> policies(ConfigReader owner) {
    List<PolicyRef> refs = new ArrayList<>();
    JsonArray list = ConfigValues.list(owner, "policies");
    if (list == null) {
      return refs;
    }
    for (int i = 0; i < list.size(); i++) {
      PolicyRef ref = policy(list.getValue(i), ConfigValues.index(owner.pathOf("policies"), i));
      if (ref != null) {
        refs.add(ref);
      }
    }
    return refs;
  }

  private PolicyRef policy(Object item, String path) {
    if (!(item instanceof JsonObject) || ((JsonObject) item).size() != 1) {
      String shape = item instanceof JsonObject object && object.size() > 1
          ? "has " + object.size() + " keys (" + String.join(", ", object.fieldNames()) + "); each policy is its own list item"
          : "must be a map with one key, the policy's name";
      problems.add(path + ": " + shape + ", e.g. '- rate-limit: { rate: 10 }'");
      return null;
    }
    JsonObject wrapper = (JsonObject) item;
    String name = wrapper.fieldNames().iterator().next();
    Object value = wrapper.getValue(name);
    String configPath = path + "." + name;
    if (value != null && !(value instanceof JsonObject)) {
      problems.add(configPath + ": must be a map (or {} for no configuration)");
      return null;
    }
    PolicyFactory<?> factory = factories.get(name);
    if (factory == null) {
      String available = factories.isEmpty() ? "none" : String.join(", ", new TreeSet<>(factories.keySet()));
      problems.add(path + ": unknown policy '" + name + "' (available: " + available + ")");
      return null;
    }
    JsonObject config = value == null ? new JsonObject() : ((JsonObject) value).copy();
    // Problems echo bad values; a secret key's value is never echoed (problems are printed and logged).
    ConfigReader reader = new ConfigReader(config, configPath, problems, baseDir, factory.secretKeys());
    Object bound;
    try {
      bound = factory.parse(reader);
    } catch (RuntimeException | LinkageError e) {
      // A bug in the plugin, not in the file; the keys it never reached are not the user's mistake.
      String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      problems.add(configPath + ": the plugin failed to read its configuration: " + message);
      return null;
    }
    reader.finish();
    return new PolicyRef(name, config, bound, path);
  }
}
