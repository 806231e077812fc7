package dev.portico.gateway.serving;

import dev.portico.gateway.config.ApiDefinition;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.IntegrationDefinition;
import dev.portico.gateway.config.PolicyRef;
import dev.portico.gateway.config.RouteDefinition;
import dev.portico.gateway.config.StageDefinition;
import dev.portico.gateway.config.UpstreamDefinition;
import dev.portico.gateway.config.UsagePlan;
import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.gateway.plugin.PolicyHandle;
import dev.portico.gateway.plugin.PolicyInstances;
import dev.portico.gateway.proxy.BackendClients;
import dev.portico.gateway.proxy.BackendOrigin;
import dev.portico.gateway.proxy.ClientAddress;
import dev.portico.gateway.proxy.HttpIntegration;
import dev.portico.gateway.proxy.Integration;
import dev.portico.gateway.proxy.MockIntegration;
import dev.portico.gateway.proxy.UriTemplate;
import dev.portico.gateway.routing.PathTemplate;
import dev.portico.gateway.routing.RouteTable;
import dev.portico.gateway.upstream.Upstream;
import dev.portico.gateway.upstream.UpstreamRegistry;
import dev.portico.spi.Authorizer;
import dev.portico.spi.CounterStore;
import dev.portico.spi.PemTrust;
import dev.portico.spi.Throttler;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a validated {@link GatewayConfig} into the {@link ActiveConfig} requests are served from:
 * one {@link CompiledRoute} per route and stage, its policies instantiated (or reused) and sorted
 * by kind, its integration URI resolved for the stage; and one {@link UsagePlanThrottler} per usage
 * plan that limits something, counting on the gateway's counter store.
 */
public final class ConfigCompiler {

  private static final String LB_SCHEME = "lb://";

  private final PolicyInstances instances;
  private final CounterStore counters;
  private final UpstreamRegistry upstreams;
  private final int eventLoops;

  /**
   * @param upstreams what {@code lb://NAME} integrations forward to, already serving the
   *     configuration's {@code upstreams}
   * @param eventLoops among which each target's {@code maxConnectionsPerTarget} is shared out
   */
  public ConfigCompiler(PolicyInstances instances, CounterStore counters, UpstreamRegistry upstreams, int eventLoops) {
    this.instances = instances;
    this.counters = counters;
    this.upstreams = upstreams;
    this.eventLoops = Math.max(1, eventLoops);
  }

  /**
   * The compiled configuration, the keys of the policy instances it uses, and the routes it had to
   * leave out because another API already serves them (one line each; empty when all is well).
   */
  public record Compiled(ActiveConfig active, Set<String> policyKeys, List<Problem> problems,
      Set<GatewayMetrics.RouteLabels> routeLabels) {}

  /** A route left out, and the API it belongs to. */
  public record Problem(String api, String message) {

    @Override
    public String toString() {
      return message;
    }
  }

  /** Every stage of {@code apis}, following their current definitions. */
  public static List<StagePlan> plansOf(List<ApiDefinition> apis) {
    List<StagePlan> plans = new ArrayList<>();
    for (ApiDefinition api : apis) {
      for (StageDefinition stage : api.stages().values()) {
        plans.add(StagePlan.of(api.forStage(stage.name(), stage.variables()), CompiledRoute.CURRENT));
      }
    }
    return plans;
  }

  /**
   * Compiles the stages of {@code plans} with the request-level settings of {@code config} (its
   * APIs are not read). A route that conflicts with one compiled before it is left out and
   * reported, so that one bad API never stops the others from serving.
   */
  public Compiled compile(GatewayConfig config, List<StagePlan> plans) {
    RouteTable.Builder<CompiledRoute> table = RouteTable.builder();
    Set<String> keys = new HashSet<>();
    List<Problem> problems = new ArrayList<>();
    Set<GatewayMetrics.RouteLabels> labels = new HashSet<>();
    Map<Path, TrustOptions> trust = new HashMap<>();
    long maxBody = config.server().maxBodySize();
    for (StagePlan plan : plans) {
      CanaryRoutes canary = null;
      if (plan.canary() != null) {
        RouteTable.Builder<CompiledRoute> canaryTable = RouteTable.builder();
        addStage(canaryTable, plan.canary(), null, config, keys, trust, problems, labels);
        canary = new CanaryRoutes(plan.percent(), plan.sticky(), canaryTable.build());
      }
      addStage(table, plan, canary, config, keys, trust, problems, labels);
    }
    ActiveConfig active = new ActiveConfig(table.build(), new ClientAddress(config.server().trustedProxies()),
        maxBody, config.server().bodyTimeout().toMillis(), config.counters().denyOnStoreFailure(), config.server().accessLog(), planThrottlers(config));
    return new Compiled(active, keys, problems, labels);
  }

  private void addStage(RouteTable.Builder<CompiledRoute> table, StagePlan plan, CanaryRoutes canary,
      GatewayConfig config, Set<String> keys, Map<Path, TrustOptions> trust, List<Problem> problems,
      Set<GatewayMetrics.RouteLabels> labels) {
    ApiDefinition api = plan.api();
    long maxBody = config.server().maxBodySize();
    for (StageDefinition stage : api.stages().values()) {
      String prefix = (ApiDefinition.DEFAULT_STAGE.equals(stage.name()) ? "" : "/" + stage.name()) + api.basePath();
      for (RouteDefinition route : api.routes()) {
        List<PolicyRef> refs = new ArrayList<>(api.policies());
        refs.addAll(route.policies());
        List<PolicyHandle> authorizers = new ArrayList<>();
        List<PolicyHandle> throttlers = new ArrayList<>();
        List<PolicyHandle> transformers = new ArrayList<>();
        boolean created = true;
        for (PolicyRef ref : refs) {
          PolicyHandle h;
          try {
            h = instances.handle(ref);
          } catch (RuntimeException | LinkageError e) {
            // a plugin's bug, or a resource it could not open: this route cannot serve, the others can
            problems.add(new Problem(api.name(), ref.configPath() + ": the plugin '" + ref.name()
                + "' failed to create its policy (" + e + "): route " + route.path() + " of API '" + api.name()
                + "', stage '" + stage.name() + "' is not served"));
            created = false;
            break;
          }
          keys.add(PolicyInstances.keyOf(ref));
          if (h.policy() instanceof Authorizer) {
            authorizers.add(h);
          } else if (h.policy() instanceof Throttler) {
            throttlers.add(h);
          } else {
            transformers.add(h);
          }
        }
        if (!created) {
          continue;
        }
        Integration integration;
        try {
          integration = integration(route.integration(), stage, maxBody, config.baseDir(), trust);
        } catch (IllegalStateException unknownUpstream) {
          problems.add(new Problem(api.name(), route.configPath() + ": " + unknownUpstream.getMessage() + ": route "
              + route.path() + " of API '" + api.name() + "', stage '" + stage.name() + "' is not served"));
          continue;
        }
        CompiledRoute compiled = new CompiledRoute(api.name(), stage.name(), plan.deployment(), route.path(),
            route.methods(), route.configPath(), stage.variables(), authorizers.toArray(new PolicyHandle[0]),
            throttlers.toArray(new PolicyHandle[0]), transformers.toArray(new PolicyHandle[0]), integration, canary);
        labels.add(new GatewayMetrics.RouteLabels(api.name(), route.path(), stage.name(), plan.deployment()));
        try {
          table.add(PathTemplate.parse(route.path()).under(prefix), route.methods(), compiled);
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(api.name(), "API '" + api.name() + "', stage '" + stage.name() + "', deployment '" + plan.deployment()
              + "': route " + route.path() + " is not served: " + e.getMessage()));
        }
      }
    }
  }

  private Map<String, PolicyHandle> planThrottlers(GatewayConfig config) {
    Map<String, PolicyHandle> plans = new HashMap<>();
    for (UsagePlan plan : config.usagePlans()) {
      if (UsagePlanThrottler.limits(plan)) {
        plans.put(plan.name(), new PolicyHandle("usage-plan:" + plan.name(), new UsagePlanThrottler(plan, counters),
            "usagePlans." + plan.name()));
      }
    }
    return Map.copyOf(plans);
  }

  private Integration integration(IntegrationDefinition def, StageDefinition stage, long maxBody,
      Path baseDir, Map<Path, TrustOptions> trust) {
    if (def.type() == IntegrationDefinition.Type.MOCK) {
      return new MockIntegration(def.status(), def.headers(), def.body());
    }
    String resolved = substituteStage(def.uri(), stage);
    long timeout = def.timeout().toMillis();
    long idleTimeout = def.idleTimeout().toMillis();
    if (resolved.regionMatches(true, 0, LB_SCHEME, 0, LB_SCHEME.length())) {
      return upstreamIntegration(resolved, timeout, idleTimeout, maxBody, baseDir, trust);
    }
    URI uri = URI.create(resolved.replace("{", "%7B").replace("}", "%7D"));
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    TrustOptions trustOptions = null;
    String trustKey = null;
    if (def.trustStore() != null) {
      Path p = baseDir.resolve(def.trustStore()).normalize();
      trustOptions = trust.computeIfAbsent(p, PemTrust::jvmPlus);
      trustKey = p.toString();
    }
    BackendOrigin origin = BackendOrigin.of(scheme, host, port, trustOptions, trustKey, "", BackendClients.DEFAULT_POOL_SIZE,
        timeout);
    return HttpIntegration.toUrl(origin, pathOf(uri), queryOf(uri), timeout, idleTimeout, maxBody);
  }

  /** {@code lb://NAME/path?query}: the upstream NAME's targets, each with its own pool. */
  private Integration upstreamIntegration(String resolved, long timeout, long idleTimeout, long maxBody, Path baseDir,
      Map<Path, TrustOptions> trust) {
    int end = LB_SCHEME.length();
    while (end < resolved.length() && "/?#".indexOf(resolved.charAt(end)) < 0) {
      end++;
    }
    String name = resolved.substring(LB_SCHEME.length(), end);
    Upstream upstream = upstreams.get(name);
    if (upstream == null) {
      throw new IllegalStateException("no upstream '" + name + "' is configured on this node");
    }
    URI uri = URI.create("http://upstream" + resolved.substring(end).replace("{", "%7B").replace("}", "%7D"));
    UpstreamDefinition d = upstream.definition();
    TrustOptions trustOptions = null;
    String trustKey = null;
    if (d.trustStore() != null) {
      Path p = baseDir.resolve(d.trustStore()).normalize();
      trustOptions = trust.computeIfAbsent(p, PemTrust::jvmPlus);
      trustKey = p.toString();
    }
    // maxConnectionsPerTarget is per node; each event loop has its own pools
    int poolSize = (d.maxConnectionsPerTarget() + eventLoops - 1) / eventLoops;
    String pool = "lb:" + name + ":" + poolSize + "|";
    BackendOrigin[] origins = new BackendOrigin[upstream.size()];
    for (int i = 0; i < origins.length; i++) {
      UpstreamDefinition.Target t = upstream.target(i).definition();
      origins[i] = BackendOrigin.of(t.scheme(), t.host(), t.port(), trustOptions, trustKey, pool, poolSize, timeout);
    }
    return HttpIntegration.toUpstream(upstream, origins, pathOf(uri), queryOf(uri), timeout, idleTimeout, maxBody);
  }

  private static UriTemplate pathOf(URI uri) {
    String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return UriTemplate.parse(rawPath.replace("%7B", "{").replace("%7D", "}"));
  }

  private static String queryOf(URI uri) {
    String rawQuery = uri.getRawQuery();
    return rawQuery == null ? null : rawQuery.replace("%7B", "{").replace("%7D", "}");
  }

  /** Replaces every {@code ${stage.name}} with the stage's variable (the loader checked they exist). */
  static String substituteStage(String uri, StageDefinition stage) {
    StringBuilder sb = new StringBuilder(uri.length() + 32);
    int i = 0;
    while (i < uri.length()) {
      int open = uri.indexOf("${stage.", i);
      if (open < 0) {
        sb.append(uri, i, uri.length());
        break;
      }
      int close = uri.indexOf('}', open);
      sb.append(uri, i, open);
      String name = uri.substring(open + 8, close);
      String value = stage.variables().get(name);
      sb.append(value == null ? "" : value);
      i = close + 1;
    }
    return sb.toString();
  }
}
