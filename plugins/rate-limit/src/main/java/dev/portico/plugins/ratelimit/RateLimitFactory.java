package dev.portico.plugins.ratelimit;

import dev.portico.spi.Per;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;

/**
 * The {@code rate-limit} throttler: a token bucket that holds {@code burst} tokens, refills at
 * {@code rate} per second and starts full; each request takes one token, and a request that finds
 * none is answered 429 (it takes nothing).
 *
 * <pre>{@code
 * - rate-limit: { rate: 10, burst: 20, per: principal }
 * - rate-limit: { rate: 0.5, per: "header:X-Tenant" }     # burst defaults to 1
 * }</pre>
 *
 * <ul>
 *   <li>{@code rate} (required): tokens per second, a positive number (fractions allowed:
 *       {@code 0.5} is one request every two seconds).</li>
 *   <li>{@code burst}: the bucket's size, a positive whole number; defaults to {@code rate}
 *       rounded up.</li>
 *   <li>{@code per} [{@code route}]: {@code route}, {@code principal}, {@code ip} or
 *       {@code header:<Name>}; see {@link Per} for callers without a principal or header.</li>
 *   <li>{@code strict} [{@code true}]: see {@link RateLimitConfig}.</li>
 * </ul>
 */
public final class RateLimitFactory implements PolicyFactory<RateLimitConfig> {

  @Override
  public String name() {
    return "rate-limit";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.THROTTLER;
  }

  @Override
  public RateLimitConfig parse(ConfigReader config) {
    double rate = 1;
    if (!config.has("rate")) {
      config.problem("rate", "is required (requests per second)");
    } else {
      rate = config.positiveNumber("rate", 1);
    }
    long burst = config.positiveLong("burst", Math.max(1, (long) Math.ceil(rate)));
    Per per = Per.read(config, "per");
    boolean strict = config.bool("strict", true);
    return new RateLimitConfig(rate, burst, per, strict);
  }

  @Override
  public Policy create(RateLimitConfig config, PolicyEnvironment env) {
    return new RateLimiter(config, env.counters());
  }
}
