package dev.portico.plugins.body;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;

/**
 * The {@code body} transformer: replaces a JSON request body (before the backend) and/or a JSON
 * response body (before the client) with a JSON template.
 *
 * <pre>{@code
 * - path: /orders
 *   integration: { type: http, uri: "${stage.backend}/orders" }
 *   policies:
 *     - body:
 *         request:                                   # what the backend receives
 *           customer: "${principal.id}"
 *           items: "${body.lines}"                   # the client's array, as an array
 *           note: "order ${body.ref!} via portico"   # text; 400 when body.ref is missing
 *         response:                                  # what the client receives
 *           id: "${body.order.id}"
 *         maxSize: 256KB
 * }</pre>
 *
 * <ul>
 *   <li>Only {@code application/json} and {@code +json} bodies are read; every other body streams
 *       through untouched, whatever its size.</li>
 *   <li>A JSON request body over {@code maxSize} is 413; one that is not valid JSON is 400 saying
 *       why. A request without a body is left alone.</li>
 *   <li>The response template applies to the backend's 2xx JSON responses; a response over
 *       {@code maxSize} passes through untouched with a warning logged, one that is not valid JSON
 *       is 502. The gateway's own errors are never rewritten.</li>
 *   <li>{@code Content-Length} is set to the new body's length.</li>
 * </ul>
 */
public final class BodyFactory implements PolicyFactory<BodyConfig> {

  static final long DEFAULT_MAX_SIZE = 1024 * 1024;

  @Override
  public String name() {
    return "body";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.TRANSFORMER;
  }

  @Override
  public BodyConfig parse(ConfigReader config) {
    JsonTemplate request = template(config, "request");
    JsonTemplate response = template(config, "response");
    long maxSize = config.size("maxSize", DEFAULT_MAX_SIZE);
    if (maxSize <= 0) {
      config.problem("maxSize", "must be a positive size such as 64KB or 1MB");
    }
    if (request == null && response == null) {
      config.problem("set 'request', 'response' or both: otherwise the policy does nothing");
    }
    return new BodyConfig(request, response, maxSize);
  }

  private static JsonTemplate template(ConfigReader config, String key) {
    if (!config.json().containsKey(key)) {
      config.allow(key);
      return null;
    }
    // An explicit `request: null` is a template too: the body becomes JSON null.
    return JsonTemplate.parse(config.value(key), key, config::problem);
  }

  @Override
  public Policy create(BodyConfig config, PolicyEnvironment env) {
    return new BodyTransformer(config);
  }
}
