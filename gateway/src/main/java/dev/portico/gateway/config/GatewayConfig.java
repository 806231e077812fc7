package dev.portico.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole, validated configuration: what {@code conf/portico.yaml} says once every
 * {@code ${env:...}} is substituted and every policy's configuration is bound by its plugin.
 *
 * @param baseDir the directory of the configuration file; relative paths in it resolve against it
 */
public record GatewayConfig(
    ServerSettings server,
    AdminSettings admin,
    CounterSettings counters,
    PluginSettings plugins,
    List<ApiDefinition> apis,
    List<UsagePlan> usagePlans,
    List<UpstreamDefinition> upstreams,
    Path baseDir) {

  public GatewayConfig {
    apis = List.copyOf(apis);
    usagePlans = List.copyOf(usagePlans);
    upstreams = List.copyOf(upstreams);
  }

  /** The upstreams' names, which {@code lb://NAME} integration URIs may use. */
  public java.util.Set<String> upstreamNames() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (UpstreamDefinition u : upstreams) {
      if (u.name() != null) {
        names.add(u.name());
      }
    }
    return names;
  }
}
