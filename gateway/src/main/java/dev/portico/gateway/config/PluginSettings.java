package dev.portico.gateway.config;

import java.nio.file.Path;

/** The {@code plugins:} section: where plugin jars are found (resolved against the distribution's home). */
public record PluginSettings(Path dir) {}
