package dev.portico.plugins.validate;

import io.vertx.json.schema.Validator;
import java.util.List;

/**
 * What the {@code validate} policy checks, bound once when the configuration is loaded.
 *
 * @param schema the compiled JSON Schema the body must match, or null to leave the body alone
 * @param requiredQuery query parameters that must be present with a non-empty value
 * @param requiredHeaders headers that must be present with a non-empty value
 */
record ValidateConfig(Validator schema, List<String> requiredQuery, List<String> requiredHeaders) {

  ValidateConfig {
    requiredQuery = List.copyOf(requiredQuery);
    requiredHeaders = List.copyOf(requiredHeaders);
  }
}
