package dev.portico.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portico.gateway.config.ConfigLoader;
import java.nio.file.Path;

/**
 * Where the plugins are, read from the configuration before the configuration itself can be
 * loaded (its policies are validated by those plugins): {@code plugins.dir}, relative to the
 * distribution's home, {@code plugins/} by default.
 */
final class PluginsDir {

  private PluginsDir() {}

  static Path of(Path configFile, Path home) {
    String dir = "plugins";
    try {
      JsonNode root = new YAMLMapper().readTree(configFile.toFile());
      JsonNode node = root == null ? null : root.path("plugins").path("dir");
      if (node != null && node.isTextual() && !node.asText().isBlank()) {
        dir = ConfigLoader.substituteEnv(node.asText(), System.getenv());
      }
    } catch (Exception e) {
      // an unreadable file is reported, with its line, by the full load that follows
    }
    return home.resolve(dir).normalize();
  }
}
