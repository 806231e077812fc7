package dev.portico.gateway.server;

import dev.portico.gateway.config.UsagePlan;
import dev.portico.spi.CounterStore;
import dev.portico.spi.PolicyEnvironment;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/** What the gateway hands every policy it creates. */
final class GatewayEnvironment implements PolicyEnvironment {

  private final Vertx vertx;
  private final CounterStore counters;
  private final Path baseDir;
  private volatile List<UsagePlan> plans;

  GatewayEnvironment(Vertx vertx, CounterStore counters, Path baseDir, List<UsagePlan> plans) {
    this.vertx = vertx;
    this.counters = counters;
    this.baseDir = baseDir;
    this.plans = List.copyOf(plans);
  }

  void plans(List<UsagePlan> plans) {
    this.plans = List.copyOf(plans);
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public CounterStore counters() {
    return counters;
  }

  @Override
  public Path resolve(String path) {
    return baseDir.resolve(path).normalize();
  }

  @Override
  public UsagePlanKey findApiKey(String keyValue) {
    if (keyValue == null) {
      return null;
    }
    byte[] given = keyValue.getBytes(StandardCharsets.UTF_8);
    UsagePlanKey found = null;
    // every key is compared, in constant time each, so the time taken says nothing about which matched
    for (UsagePlan plan : plans) {
      for (UsagePlan.Key key : plan.keys()) {
        if (MessageDigest.isEqual(given, key.value().getBytes(StandardCharsets.UTF_8)) && found == null) {
          found = new UsagePlanKey(key.id(), plan.name());
        }
      }
    }
    return found;
  }
}
