package dev.portico.gateway.config;

/**
 * The {@code counters:} section.
 *
 * @param store {@code local}, {@code hazelcast} or {@code redis}; null when the file does not say
 *     (then {@code local}, or {@code hazelcast} with {@code --cluster})
 * @param redisEndpoint e.g. {@code redis://127.0.0.1:6379}
 * @param denyOnStoreFailure what a throttler does when the store is unreachable: true = 503
 * @param timeout how long one decision of a shared store may take, from dispatch; then the store counts as unreachable
 */
public record CounterSettings(String store, String redisEndpoint, boolean denyOnStoreFailure, java.time.Duration timeout) {

  public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofMillis(500);

  public static final String DEFAULT_REDIS_ENDPOINT = "redis://127.0.0.1:6379";
}
