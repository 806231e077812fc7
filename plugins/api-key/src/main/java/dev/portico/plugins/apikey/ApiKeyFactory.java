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
    String header = config.string("header", DEFAULT_HEADER);
    if (!isToken(header)) {
      config.problem("header", "'" + header + "' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
      header = DEFAULT_HEADER;
    }
    return new Config(header);
  }

  @Override
  public Policy create(Config config, PolicyEnvironment env) {
    return new ApiKeyAuthorizer(config.header(), env);
  }

  /** An RFC 9110 token: what a header name is made of. */
  private static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
