package dev.portico.gateway.config;

import io.vertx.core.json.JsonObject;

/**
 * One occurrence of a policy in the configuration: {@code - rate-limit: {rate: 100}}.
 *
 * @param name the plugin's policy name
 * @param config the configuration as written (after {@code ${env:...}} substitution)
 * @param bound what the plugin's factory parsed it into
 * @param configPath where it is in the file, e.g. {@code apis[0].routes[2].policies[0]}
 */
public record PolicyRef(String name, JsonObject config, Object bound, String configPath) {}
