package dev.portico.gateway.plugin;

import dev.portico.gateway.config.PolicyRef;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live policy instances: one per distinct configuration (plugin name plus its configuration as
 * written), reused by every route and every deployment that carries the identical configuration,
 * and closed once none uses it any more.
 */
public final class PolicyInstances {

  private static final Logger log = LoggerFactory.getLogger(PolicyInstances.class);

  private final Map<String, PolicyFactory<?>> factories;
  private final PolicyEnvironment environment;
  private final Map<String, Policy> live = new HashMap<>();

  public PolicyInstances(Map<String, PolicyFactory<?>> factories, PolicyEnvironment environment) {
    this.factories = Map.copyOf(factories);
    this.environment = environment;
  }

  /** The identity under which an instance is shared. */
  public static String keyOf(PolicyRef ref) {
    return ref.name() + '\u0000' + ref.config().encode();
  }

  /** The instance for a configured policy, created on first use. */
  public synchronized PolicyHandle handle(PolicyRef ref) {
    String key = keyOf(ref);
    Policy policy = live.get(key);
    if (policy == null) {
      policy = create(ref);
      live.put(key, policy);
    }
    return new PolicyHandle(ref.name(), policy, ref.configPath());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Policy create(PolicyRef ref) {
    PolicyFactory factory = factories.get(ref.name());
    if (factory == null) {
      throw new IllegalStateException(ref.configPath() + ": no plugin provides policy '" + ref.name() + "'");
    }
    Policy policy = factory.create(ref.bound(), environment);
    if (policy == null || !factory.kind().equals(kindOf(policy))) {
      throw new IllegalStateException("plugin '" + ref.name() + "' declares kind " + factory.kind()
          + " but created " + (policy == null ? "nothing" : policy.getClass().getName()));
    }
    return policy;
  }

  private static dev.portico.spi.PolicyKind kindOf(Policy p) {
    if (p instanceof dev.portico.spi.Authorizer) {
      return dev.portico.spi.PolicyKind.AUTHORIZER;
    }
    if (p instanceof dev.portico.spi.Throttler) {
      return dev.portico.spi.PolicyKind.THROTTLER;
    }
    return dev.portico.spi.PolicyKind.TRANSFORMER;
  }

  /** Closes every instance whose key is not in {@code inUse}; a failing close is logged, never thrown. */
  public synchronized void retainOnly(Set<String> inUse) {
    live.entrySet().removeIf(e -> {
      if (inUse.contains(e.getKey())) {
        return false;
      }
      closeQuietly(e.getKey(), e.getValue());
      return true;
    });
  }

  public synchronized void closeAll() {
    live.forEach(this::closeQuietly);
    live.clear();
  }

  private void closeQuietly(String key, Policy policy) {
    try {
      policy.close();
    } catch (RuntimeException e) {
      log.warn("policy '{}' failed to close: {}", key.substring(0, key.indexOf('\u0000')), e.toString());
    }
  }

  public synchronized int size() {
    return live.size();
  }
}
