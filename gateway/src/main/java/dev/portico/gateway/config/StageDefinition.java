package dev.portico.gateway.config;

import java.util.Map;

/**
 * A stage of an API: {@code $default} is served at the API's base path, any other under
 * {@code /<stage><basePath>}.
 *
 * @param variables read by templates as {@code ${stage.<name>}}
 */
public record StageDefinition(String name, Map<String, String> variables) {

  public StageDefinition {
    variables = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(variables));
  }
}
