package dev.portico.gateway.plugin;

import dev.portico.gateway.config.UsagePlan;
import dev.portico.spi.CounterStore;
import dev.portico.spi.PolicyEnvironment;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** What the gateway hands every policy it creates. */
public final class GatewayEnvironment implements PolicyEnvironment {

  private final Vertx vertx;
  private final CounterStore counters;
  private final Path baseDir;
  private volatile List<KnownKey> keys;

  /** A key as it is looked up: by the SHA-256 digest of its value, so every comparison takes the same time. */
  private record KnownKey(byte[] digest, UsagePlanKey key) {}

  public GatewayEnvironment(Vertx vertx, CounterStore counters, Path baseDir, List<UsagePlan> plans) {
    this.vertx = vertx;
    this.counters = counters;
    this.baseDir = baseDir;
    plans(plans);
  }

  public void plans(List<UsagePlan> plans) {
    List<KnownKey> known = new ArrayList<>();
    for (UsagePlan plan : plans) {
      for (UsagePlan.Key key : plan.keys()) {
        known.add(new KnownKey(sha256(key.value()), new UsagePlanKey(key.id(), plan.name())));
      }
    }
    this.keys = List.copyOf(known);
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
    // Digests have one length whatever the value's, so MessageDigest.isEqual never stops early on a
    // length difference; and every key is compared, so the time taken says nothing about which matched.
    byte[] given = sha256(keyValue);
    UsagePlanKey found = null;
    for (KnownKey known : keys) {
      if (MessageDigest.isEqual(given, known.digest()) && found == null) {
        found = known.key();
      }
    }
    return found;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
