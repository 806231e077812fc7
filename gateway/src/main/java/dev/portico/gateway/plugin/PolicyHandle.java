package dev.portico.gateway.plugin;

import dev.portico.spi.Policy;

/**
 * A policy instance as a route holds it: with the plugin's name and where it is configured, so a
 * failure can be logged with both.
 */
public record PolicyHandle(String name, Policy policy, String configPath) {}
