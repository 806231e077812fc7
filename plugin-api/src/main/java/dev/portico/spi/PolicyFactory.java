package dev.portico.spi;

import java.util.Set;

/**
 * The entry point of a plugin: binds a policy's configuration and creates instances of it. List
 * the implementation in {@code META-INF/services/dev.portico.spi.PolicyFactory}; it needs a public
 * no-argument constructor.
 *
 * <p>The gateway calls {@link #parse} once per occurrence of the policy in the configuration, when
 * the configuration is loaded (and by {@code portico validate}); problems found there refuse the
 * configuration with their path. It calls {@link #create} once per distinct configuration, and
 * shares the instance between all event loops. Nothing is parsed per request.
 *
 * <pre>{@code
 * public final class HelloFactory implements PolicyFactory<HelloFactory.Config> {
 *   public record Config(String greeting) {}
 *
 *   public String name() { return "hello"; }
 *   public PolicyKind kind() { return PolicyKind.TRANSFORMER; }
 *
 *   public Config parse(ConfigReader config) {
 *     return new Config(config.requiredString("greeting"));   // missing -> "...hello.greeting: is required"
 *   }
 *
 *   public Policy create(Config config, PolicyEnvironment env) {
 *     return new Transformer() {
 *       public Future<Void> onResponse(RequestContext ctx) {
 *         ctx.response().headers().set("X-Greeting", config.greeting());
 *         return Future.succeededFuture();
 *       }
 *     };
 *   }
 * }
 * }</pre>
 *
 * @param <C> the bound configuration: an immutable value, ideally a record
 */
public interface PolicyFactory<C> {

  /** The name the configuration uses for this policy, e.g. {@code rate-limit}. Unique per gateway. */
  String name();

  /** What kind of policy {@link #create} returns. */
  PolicyKind kind();

  /**
   * Reads and validates a configuration. Report every problem through {@code config} (with the key
   * it concerns) rather than throwing; keys this method does not read are reported as unknown.
   *
   * @return the bound configuration; ignored when a problem was reported
   */
  C parse(ConfigReader config);

  /**
   * Creates a policy for a configuration {@link #parse} accepted. Must not block: start any
   * background work (fetching keys, opening clients) asynchronously.
   *
   * @return an {@link Authorizer}, {@link Throttler} or {@link Transformer}, as {@link #kind} says
   */
  Policy create(C config, PolicyEnvironment env);

  /**
   * Top-level configuration keys whose values are secret: never logged, shown as {@code "***"} by
   * the admin API. None by default.
   */
  default Set<String> secretKeys() {
    return Set.of();
  }
}
