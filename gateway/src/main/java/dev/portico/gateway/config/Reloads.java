package dev.portico.gateway.config;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which settings a configuration file read again changes (SIGHUP, {@code --watch}): its APIs,
 * usage plans and the per-request settings take effect; listeners, counters and plugins need a
 * restart, and a warning names each of those that changed (docs/OPERATING.md lists them).
 */
public final class Reloads {

  private static final Logger log = LoggerFactory.getLogger(Reloads.class);

  private Reloads() {}

  /** The running configuration with what {@code reloaded} may change taken from it. */
  public static GatewayConfig merge(GatewayConfig running, GatewayConfig reloaded) {
    warnIfChanged("server.port", running.server().port(), reloaded.server().port());
    warnIfChanged("server.host", running.server().host(), reloaded.server().host());
    warnIfChanged("server.instances", running.server().instances(), reloaded.server().instances());
    warnIfChanged("server.maxHeaderSize", running.server().maxHeaderSize(), reloaded.server().maxHeaderSize());
    warnIfChanged("server.tls", running.server().tls(), reloaded.server().tls());
    warnIfChanged("admin", running.admin(), reloaded.admin());
    warnIfChanged("counters.store", running.counters().store(), reloaded.counters().store());
    warnIfChanged("counters.redis", running.counters().redisEndpoint(), reloaded.counters().redisEndpoint());
    warnIfChanged("counters.timeout", running.counters().timeout(), reloaded.counters().timeout());
    warnIfChanged("plugins.dir", running.plugins(), reloaded.plugins());
    ServerSettings s = running.server();
    ServerSettings r = reloaded.server();
    ServerSettings server = new ServerSettings(s.port(), s.host(), s.instances(), s.maxHeaderSize(), r.maxBodySize(),
        r.drainTimeout(), r.bodyTimeout(), r.trustedProxies(), s.tls(), r.accessLog());
    CounterSettings c = running.counters();
    CounterSettings counters = new CounterSettings(c.store(), c.redisEndpoint(),
        reloaded.counters().denyOnStoreFailure(), c.timeout());
    return new GatewayConfig(server, running.admin(), counters, running.plugins(),
        reloaded.apis(), reloaded.usagePlans(), reloaded.upstreams(), reloaded.baseDir());
  }

  private static void warnIfChanged(String setting, Object running, Object reloaded) {
    if (!Objects.equals(running, reloaded)) {
      log.warn("{} changed in the configuration file: it takes effect at the next restart", setting);
    }
  }
}
