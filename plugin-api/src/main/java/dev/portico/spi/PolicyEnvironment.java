package dev.portico.spi;

import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * What the gateway gives a policy when it creates it: the only way a policy reaches shared state.
 */
public interface PolicyEnvironment {

  /** The gateway's Vert.x instance: for timers, HTTP clients, file access. */
  Vertx vertx();

  /** The counter store configured under {@code counters} (local, hazelcast or redis). */
  CounterStore counters();

  /**
   * Resolves a path written in the configuration (e.g. a schema's {@code file:}) against the
   * directory of the configuration file.
   */
  Path resolve(String path);

  /**
   * The usage plan key whose value is {@code keyValue}, or null: how {@code api-key} finds a key.
   * The comparison is done in constant time.
   */
  default UsagePlanKey findApiKey(String keyValue) {
    return null;
  }

  /**
   * A key of a usage plan.
   *
   * @param id the key's public identifier, used as the principal's id and in logs
   * @param plan the name of the usage plan the key belongs to
   */
  record UsagePlanKey(String id, String plan) {}
}
