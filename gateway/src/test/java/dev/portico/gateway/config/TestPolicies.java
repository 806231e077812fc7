package dev.portico.gateway.config;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small stand-ins for the bundled plugins: they read their keys the way the real ones do. */
final class TestPolicies {

  private TestPolicies() {}

  static Map<String, PolicyFactory<?>> all() {
    Map<String, PolicyFactory<?>> factories = new LinkedHashMap<>();
    for (PolicyFactory<?> f : List.of(new Jwt(), new ApiKey(), new RateLimit(), new Headers(), new Broken())) {
      factories.put(f.name(), f);
    }
    return factories;
  }

  static ConfigLoader loader(Map<String, String> env) {
    return new ConfigLoader(all(), env);
  }

  abstract static class Base<C> implements PolicyFactory<C> {
    @Override
    public Policy create(C config, PolicyEnvironment env) {
      throw new UnsupportedOperationException("not needed to load a configuration");
    }
  }

  record JwtConfig(String issuer, List<String> audience, String jwksUri, String secret, Duration leeway) {}

  static final class Jwt extends Base<JwtConfig> {
    public String name() {
      return "jwt";
    }

    public PolicyKind kind() {
      return PolicyKind.AUTHORIZER;
    }

    @Override
    public Set<String> secretKeys() {
      return Set.of("secret");
    }

    public JwtConfig parse(ConfigReader config) {
      String jwksUri = config.string("jwksUri", null);
      String secret = config.string("secret", null);
      if (jwksUri == null && secret == null) {
        config.problem("needs jwksUri or secret");
      }
      if (secret != null && secret.isBlank()) {
        config.problem("secret", "must not be blank" + config.was("secret"));
      }
      return new JwtConfig(config.string("issuer", null), config.strings("audience", List.of()), jwksUri, secret,
          config.duration("leeway", Duration.ofSeconds(30)));
    }
  }

  record ApiKeyConfig(String header) {}

  static final class ApiKey extends Base<ApiKeyConfig> {
    public String name() {
      return "api-key";
    }

    public PolicyKind kind() {
      return PolicyKind.AUTHORIZER;
    }

    public ApiKeyConfig parse(ConfigReader config) {
      return new ApiKeyConfig(config.string("header", "X-API-Key"));
    }
  }

  record RateLimitConfig(double rate, long burst, String per) {}

  static final class RateLimit extends Base<RateLimitConfig> {
    public String name() {
      return "rate-limit";
    }

    public PolicyKind kind() {
      return PolicyKind.THROTTLER;
    }

    public RateLimitConfig parse(ConfigReader config) {
      double rate = config.positiveNumber("rate", 0);
      long burst = config.positiveLong("burst", Math.max(1, (long) Math.ceil(rate)));
      String per = config.string("per", "route");
      if (!List.of("route", "principal", "ip").contains(per) && !per.startsWith("header:")) {
        config.problem("per", "must be route, principal, ip or header:<Name>");
      }
      return new RateLimitConfig(rate, burst, per);
    }
  }

  record HeaderChanges(Map<String, String> set, Map<String, String> add, List<String> remove) {}

  record HeadersConfig(HeaderChanges request, HeaderChanges response) {}

  static final class Headers extends Base<HeadersConfig> {
    public String name() {
      return "headers";
    }

    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    public HeadersConfig parse(ConfigReader config) {
      return new HeadersConfig(changes(config.object("request")), changes(config.object("response")));
    }

    private static HeaderChanges changes(ConfigReader section) {
      if (section == null) {
        return null;
      }
      HeaderChanges changes = new HeaderChanges(section.stringMap("set"), section.stringMap("add"), section.strings("remove", List.of()));
      section.finish();
      return changes;
    }
  }

  /** A plugin with a bug: it throws instead of reporting. */
  static final class Broken extends Base<Object> {
    public String name() {
      return "broken";
    }

    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    public Object parse(ConfigReader config) {
      config.string("mode", null);
      throw new IllegalStateException("mode is null");
    }
  }
}
