package dev.portico.plugins.body;

/**
 * What the {@code body} policy writes, bound once when the configuration is loaded.
 *
 * @param request the template of the body sent to the backend, or null to leave it alone
 * @param response the template of the body sent to the client, or null to leave it alone
 * @param maxSize the largest JSON body, in bytes, the policy reads
 */
record BodyConfig(JsonTemplate request, JsonTemplate response, long maxSize) {}
