package dev.portico.plugins.apikey;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;

/**
 * The {@code api-key} authorizer: the client sends a key of a usage plan ({@code usagePlans:}) in a
 * header, the gateway finds the key and applies its plan's throttle and quota.
 *
 * <pre>{@code
 * policies:
 *   - api-key: {}                       # the key in X-API-Key
 *   - api-key: { header: X-Partner-Key }
 * }</pre>
 *
 * <ul>
 *   <li>No key, or a key of no plan: 401 with {@code WWW-Authenticate: ApiKey header="X-API-Key"}.</li>
 *   <li>A known key: the principal's id is the key's {@code id} (what the access log shows; the
 *       value is never logged), its {@code usagePlan} claim the plan's name.</li>
 * </ul>
 */
public final class ApiKeyFactory implements PolicyFactory<ApiKeyFactory.Config> {

  /** @param header the request header that carries the key */
  public record Config(String header) {}

  static final String DEFAULT_HEADER = "X-API-Key";

  @Override
  public String name() {
    return "api-key";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.AUTHORIZER;
  }

  @Override
  public Config parse(ConfigReader config) {
    return new Config(config.headerName("header", DEFAULT_HEADER));
  }

  @Override
  public Policy create(Config config, PolicyEnvironment env) {
    return new ApiKeyAuthorizer(config.header(), env);
  }
}
