package dev.portico.gateway.config;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns {@code portico.yaml} into a {@link GatewayConfig}, or into every problem it has, one line
 * each with its path in the file (as {@code portico validate} prints them):
 *
 * <pre>{@code
 * ConfigLoader loader = new ConfigLoader(factoriesByName, System.getenv());
 * LoadResult result = loader.load(Path.of("conf/portico.yaml"));
 * if (!result.ok()) {
 *   result.problems().forEach(System.err::println);
 *   // apis[0].routes[2].policies[0].rate-limit.rate: must be a positive number
 *   // usagePlans[0].keys[0].value: environment variable PARTNER_A_KEY is not set
 * }
 * }</pre>
 *
 * <p>In order: the YAML is read (a syntax error stops there; duplicate keys do not), then
 * {@code ${env:NAME}} and {@code ${env:NAME:-default}} are substituted in every string value, then
 * every section is bound and checked, each policy's configuration by its plugin, and last routes
 * that would serve the same requests are reported. Keys nobody reads are errors everywhere.
 * Nothing stops at the first problem.
 */
public final class ConfigLoader {

  private static final Set<String> ANY_HOST = Set.of("0.0.0.0", "::", "[::]");

  private final Map<String, PolicyFactory<?>> factories;
  private final Map<String, String> env;

  /**
   * @param factories the plugins' factories by policy name
   * @param env the environment {@code ${env:...}} reads: {@code System.getenv()} in production
   */
  public ConfigLoader(Map<String, PolicyFactory<?>> factories, Map<String, String> env) {
    this.factories = Map.copyOf(factories);
    this.env = Map.copyOf(env);
  }

  /**
   * Reads the {@code plugins} section alone, which is needed before the plugins that check the
   * rest of the file can be loaded. It is read as {@link #parse} reads it (the same YAML reading,
   * {@code ${env:...}} substitution and checks), so {@code plugins.dir} here is the one
   * {@code parse} binds later. Reported: text that is not YAML, and the section's own problems
   * ({@code plugins.dir: environment variable PLUGINS is not set}), each with the line
   * {@code parse} gives it; problems elsewhere are left to {@code parse}.
   *
   * <pre>{@code
   * List<String> problems = new ArrayList<>();
   * PluginSettings plugins = ConfigLoader.pluginSettings(Files.readString(file), System.getenv(), problems);
   * if (problems.isEmpty()) {
   *   catalog = PolicyCatalog.load(home.resolve(plugins.dir()), ...);
   * }
   * }</pre>
   *
   * @param env the environment {@code ${env:...}} reads
   * @param problems where problems are added, one line each
   * @return the settings; not to be used when problems were added
   */
  public static PluginSettings pluginSettings(String yaml, Map<String, String> env, List<String> problems) {
    List<String> fileProblems = new ArrayList<>();
    JsonObject written = YamlTreeReader.read(yaml == null ? "" : yaml, fileProblems);
    if (written == null) {
      problems.addAll(fileProblems);
      return new PluginSettings(Path.of("plugins"));
    }
    for (String problem : fileProblems) {
      if (problem.startsWith("plugins.") || problem.startsWith("plugins:")) {
        problems.add(problem); // a duplicate key in the section
      }
    }
    EnvSubstitution substitution = new EnvSubstitution(env, problems);
    JsonObject root = new JsonObject();
    if (written.containsKey("plugins")) {
      root.put("plugins", substitution.apply(written.getValue("plugins"), "plugins"));
    }
    List<String> bindingProblems = new ArrayList<>();
    ConfigReader top = new ConfigReader(root, "", bindingProblems);
    PluginSettings settings = plugins(section(top, "plugins", bindingProblems));
    for (String problem : bindingProblems) {
      if (!substitution.causedBy(problem)) {
        problems.add(problem);
      }
    }
    return settings;
  }

  /** Loads a file; relative paths in it (TLS certificates, trust stores) are resolved against its directory. */
  public LoadResult load(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    String text;
    try {
      if (Files.isDirectory(absolute)) {
        return new LoadResult(null, List.of(file + ": cannot read the configuration: it is a directory"));
      }
      text = Files.readString(absolute);
    } catch (IOException e) {
      return new LoadResult(null, List.of(file + ": cannot read the configuration: " + reason(e)));
    }
    return parse(text, absolute.getParent());
  }

  /** Loads YAML text; {@code baseDir} stands for the file's directory. */
  public LoadResult parse(String yaml, Path baseDir) {
    Path base = (baseDir == null ? Path.of("") : baseDir).toAbsolutePath().normalize();
    List<String> problems = new ArrayList<>();
    JsonObject written = YamlTreeReader.read(yaml == null ? "" : yaml, problems);
    if (written == null) {
      return new LoadResult(null, problems);
    }
    EnvSubstitution substitution = new EnvSubstitution(env, problems);
    JsonObject root = (JsonObject) substitution.apply(written, "");
    List<String> bindingProblems = new ArrayList<>();
    GatewayConfig config = bind(root, base, bindingProblems);
    Set<String> secrets = secretValues(root);
    for (String problem : bindingProblems) {
      if (!substitution.causedBy(problem)) {
        problems.add(redacted(problem, secrets));
      }
    }
    return new LoadResult(config, problems);
  }

  /**
   * The file's own secrets: the admin token and the usage plans' key values. A problem echoes the
   * value written at its key; one of these pasted at the wrong key (a port, a rate) must not be
   * printed all the same.
   */
  private static Set<String> secretValues(JsonObject root) {
    Set<String> secrets = new HashSet<>();
    if (root.getValue("admin") instanceof JsonObject admin && admin.getValue("token") instanceof String token) {
      secrets.add(token);
    }
    if (root.getValue("usagePlans") instanceof JsonArray plans) {
      for (Object plan : plans) {
        if (plan instanceof JsonObject p && p.getValue("keys") instanceof JsonArray keys) {
          for (Object key : keys) {
            if (key instanceof JsonObject k && k.getValue("value") instanceof String value) {
              secrets.add(value);
            }
          }
        }
      }
    }
    secrets.remove("");
    return secrets;
  }

  private static String redacted(String problem, Set<String> secrets) {
    for (String secret : secrets) {
      problem = problem.replace("(was '" + secret + "')", "(was REDACTED)");
    }
    return problem;
  }

  /**
   * Binds and checks one API object, e.g. the body of the admin API's {@code PUT /apis/{name}}.
   * Unlike {@link #parse}, it neither substitutes {@code ${env:...}} nor checks that the name is
   * unique or that its routes conflict with other APIs' (see {@link RouteConflicts#find}).
   *
   * @param api the object as written
   * @param path its path for problems: {@code apis[0]}, or {@code ""} for paths such as
   *     {@code routes[0].path}
   * @param baseDir what relative files ({@code trustStore}) are resolved against:
   *     {@link GatewayConfig#baseDir()}
   * @param upstreams the names {@code lb://NAME} integration URIs may use:
   *     {@link GatewayConfig#upstreamNames()}
   * @param problems where problems are added, one line each
   * @return the definition; not to be used when problems were added
   */
  public ApiDefinition bindApi(JsonObject api, String path, Path baseDir, Set<String> upstreams, List<String> problems) {
    return new ApiBinder(factories, baseDir, upstreams, problems).bind(new ConfigReader(api, path, problems));
  }

  private GatewayConfig bind(JsonObject root, Path base, List<String> problems) {
    ConfigReader top = new ConfigReader(root, "", problems);
    ServerSettings server = server(section(top, "server", problems), base);
    AdminSettings admin = admin(section(top, "admin", problems), server, env);
    CounterSettings counters = counters(section(top, "counters", problems));
    PluginSettings plugins = plugins(section(top, "plugins", problems));
    List<UpstreamDefinition> upstreams = new UpstreamBinder(base, problems).bind(ConfigValues.list(top, "upstreams"), "upstreams");
    Set<String> upstreamNames = new java.util.TreeSet<>();
    upstreams.forEach(u -> {
      if (u.name() != null) {
        upstreamNames.add(u.name());
      }
    });
    List<ApiDefinition> apis = apis(top, base, upstreamNames, problems);
    List<UsagePlan> usagePlans = new UsagePlanBinder(problems).bind(ConfigValues.list(top, "usagePlans"), "usagePlans");
    top.finish();
    problems.addAll(RouteConflicts.find(apis));
    return new GatewayConfig(server, admin, counters, plugins, apis, usagePlans, upstreams, base);
  }

  /** A section as a reader; an empty one when absent, so every default applies. */
  private static ConfigReader section(ConfigReader top, String key, List<String> problems) {
    ConfigReader section = top.object(key);
    return section != null ? section : new ConfigReader(null, key, problems);
  }

  private static ServerSettings server(ConfigReader server, Path base) {
    int port = server.port("port", ServerSettings.DEFAULT_PORT);
    String host = host(server, ServerSettings.DEFAULT_HOST);
    long instances = server.integer("instances", 0);
    if (instances < 0 || instances > 1024) {
      server.problem("instances", "must be 0 (one per core) or a count up to 1024");
      instances = 0;
    }
    long maxHeaderSize = positiveSize(server, "maxHeaderSize", ServerSettings.DEFAULT_MAX_HEADER_SIZE);
    if (maxHeaderSize > Integer.MAX_VALUE) {
      server.problem("maxHeaderSize", "must be less than 2GB");
      maxHeaderSize = ServerSettings.DEFAULT_MAX_HEADER_SIZE;
    }
    long maxBodySize = positiveSize(server, "maxBodySize", ServerSettings.DEFAULT_MAX_BODY_SIZE);
    Duration drainTimeout = server.duration("drainTimeout", ServerSettings.DEFAULT_DRAIN_TIMEOUT);
    Duration bodyTimeout = server.duration("bodyTimeout", ServerSettings.DEFAULT_BODY_TIMEOUT);
    if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
      server.problem("bodyTimeout", "must be a positive duration such as 30s");
      bodyTimeout = ServerSettings.DEFAULT_BODY_TIMEOUT;
    }
    List<Cidr> trustedProxies = new ArrayList<>();
    JsonArray proxies = ConfigValues.list(server, "trustedProxies");
    if (proxies != null) {
      for (int i = 0; i < proxies.size(); i++) {
        String itemKey = ConfigValues.index("trustedProxies", i);
        Object item = proxies.getValue(i);
        if (!(item instanceof String block)) {
          server.problem(itemKey, "must be an address block such as 10.0.0.0/8");
          continue;
        }
        try {
          trustedProxies.add(Cidr.parse(block));
        } catch (IllegalArgumentException e) {
          server.problem(itemKey, e.getMessage());
        }
      }
    }
    ServerSettings.Tls tls = null;
    ConfigReader tlsSection = server.object("tls");
    if (tlsSection != null) {
      Path cert = ConfigValues.pemFile(tlsSection, "cert", base, true);
      Path key = ConfigValues.pemFile(tlsSection, "key", base, true);
      tlsSection.finish();
      tls = cert == null || key == null ? null : new ServerSettings.Tls(cert, key);
    }
    boolean accessLog = server.bool("accessLog", true);
    server.finish();
    return new ServerSettings(port, host, (int) instances, maxHeaderSize, maxBodySize, drainTimeout, bodyTimeout, trustedProxies, tls, accessLog);
  }

  private static AdminSettings admin(ConfigReader admin, ServerSettings server, Map<String, String> env) {
    int port = admin.port("port", AdminSettings.DEFAULT_PORT);
    String host = host(admin, AdminSettings.DEFAULT_HOST);
    // The default is ${env:PORTICO_ADMIN_TOKEN:-} whatever file is loaded, so the variable the docs
    // tell users to export works with their own file too, not only with the shipped one.
    String token = admin.string("token", env.getOrDefault(AdminSettings.TOKEN_VARIABLE, ""));
    admin.finish();
    boolean sameAddress = host.equals(server.host()) || ANY_HOST.contains(host) || ANY_HOST.contains(server.host());
    if (port != 0 && port == server.port() && sameAddress) {
      admin.problem("port", "must differ from server.port (both are " + port + ")");
    }
    return new AdminSettings(port, host, token);
  }

  private static CounterSettings counters(ConfigReader counters) {
    String store = counters.oneOf("store", null, "local", "hazelcast", "redis");
    String endpoint = CounterSettings.DEFAULT_REDIS_ENDPOINT;
    ConfigReader redis = counters.object("redis");
    if (redis != null) {
      endpoint = redis.string("endpoint", endpoint);
      if (!(endpoint.startsWith("redis://") || endpoint.startsWith("rediss://") || endpoint.startsWith("unix://"))) {
        // Not echoed: an endpoint may carry a password.
        redis.problem("endpoint", "must be a redis://host:port URI (or rediss://, unix://)");
        endpoint = CounterSettings.DEFAULT_REDIS_ENDPOINT;
      }
      redis.finish();
    }
    boolean deny = counters.oneOf("onStoreFailure", "allow", "allow", "deny").equals("deny");
    java.time.Duration timeout = counters.duration("timeout", CounterSettings.DEFAULT_TIMEOUT);
    if (timeout.isZero() || timeout.isNegative()) {
      counters.problem("timeout", "must be more than 0");
      timeout = CounterSettings.DEFAULT_TIMEOUT;
    }
    counters.finish();
    return new CounterSettings(store, endpoint, deny, timeout);
  }

  private static PluginSettings plugins(ConfigReader plugins) {
    String dir = plugins.string("dir", "plugins");
    Path path = Path.of("plugins");
    if (dir.isBlank()) {
      plugins.problem("dir", "must not be empty");
    } else {
      try {
        path = Path.of(dir); // kept relative: the launcher resolves it against the distribution's home
      } catch (InvalidPathException e) {
        plugins.problem("dir", "is not a valid directory path");
      }
    }
    plugins.finish();
    return new PluginSettings(path);
  }

  private List<ApiDefinition> apis(ConfigReader top, Path base, Set<String> upstreams, List<String> problems) {
    List<ApiDefinition> apis = new ArrayList<>();
    JsonArray list = ConfigValues.list(top, "apis");
    if (list == null) {
      return apis;
    }
    ApiBinder binder = new ApiBinder(factories, base, upstreams, problems);
    Map<String, String> pathsByName = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigReader api = ConfigValues.item(list, i, "apis", problems);
      if (api == null) {
        continue;
      }
      ApiDefinition bound = binder.bind(api);
      if (bound.name() != null) {
        String first = pathsByName.putIfAbsent(bound.name(), api.path());
        if (first != null) {
          api.problem("name", "duplicate API name '" + bound.name() + "' (first at " + first + ")");
        }
      }
      apis.add(bound);
    }
    return apis;
  }

  private static String host(ConfigReader section, String defaultValue) {
    String host = section.string("host", defaultValue).trim();
    if (host.isEmpty()) {
      section.problem("host", "must not be empty");
      return defaultValue;
    }
    return host;
  }

  private static long positiveSize(ConfigReader section, String key, long defaultValue) {
    long size = section.size(key, defaultValue);
    if (size <= 0) {
      section.problem(key, "must be more than 0");
      return defaultValue;
    }
    return size;
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof MalformedInputException) {
      return "it is not UTF-8 text";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
