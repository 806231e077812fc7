package dev.portico.gateway.counters;

import com.hazelcast.core.HazelcastInstance;
import dev.portico.gateway.config.CounterSettings;
import dev.portico.spi.CounterStore;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which counter store the gateway counts in ({@code counters.store}, or {@code hazelcast} by
 * default with {@code --cluster}), opened, and closed when the gateway drains.
 */
public final class CounterStores {

  private static final Logger log = LoggerFactory.getLogger(CounterStores.class);
  /** How often counters that carry no information any more (full buckets, past windows) are dropped. */
  private static final long EVICTION_INTERVAL_MILLIS = 30_000;

  private CounterStores() {}

  /** An open store; {@link #close} gives back what a batched view holds and releases connections. */
  public record Opened(String name, CounterStore store, Runnable close) {}

  /**
   * The store's name: the file's choice, else {@code hazelcast} in a cluster and {@code local} on
   * its own.
   *
   * @throws IllegalStateException for {@code hazelcast} without a cluster: counting locally instead
   *     would silently give each node its own quota
   */
  public static String choose(CounterSettings settings, boolean clustered) {
    String store = settings.store() != null ? settings.store() : clustered ? "hazelcast" : "local";
    if ("hazelcast".equals(store) && !clustered) {
      throw new IllegalStateException("counters.store: 'hazelcast' needs the gateway to join the cluster: run it with --cluster");
    }
    if ("local".equals(store) && clustered) {
      log.warn("counters.store is 'local' with --cluster: each node counts on its own, quotas are per node");
    }
    return store;
  }

  /** Opens the store {@code name}; {@code hazelcast} is the cluster's instance, null without one. */
  public static Opened open(String name, Vertx vertx, HazelcastInstance hazelcast, CounterSettings settings) {
    if ("redis".equals(name)) {
      RedisCounterStore redis = new RedisCounterStore(vertx, settings.redisEndpoint(), settings.timeout());
      return new Opened(name, redis, redis::close);
    }
    if ("hazelcast".equals(name)) {
      HazelcastCounterStore shared = new HazelcastCounterStore(vertx, hazelcast, settings.timeout());
      return new Opened(name, shared, shared::close);
    }
    LocalCounterStore local = new LocalCounterStore();
    // on a worker, one sweep at a time: with many idle keys a sweep takes longer than an event loop may be held
    long sweeping = vertx.setPeriodic(EVICTION_INTERVAL_MILLIS, id -> vertx.executeBlocking(() -> {
      local.evictIdle();
      return null;
    }));
    return new Opened(name, local, () -> vertx.cancelTimer(sweeping));
  }
}
