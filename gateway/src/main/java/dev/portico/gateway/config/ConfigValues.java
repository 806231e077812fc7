package dev.portico.gateway.config;

import dev.portico.spi.ConfigReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** What the loader reads that {@link ConfigReader} has no getter for: list items, lists, PEM files. */
final class ConfigValues {

  /** Enough of a PEM file to find its first {@code -----BEGIN} line, even after a long header. */
  private static final int PEM_SNIFF_BYTES = 1 << 20;

  private ConfigValues() {}

  /** The path of a key below {@code path}: {@code server.port}, or {@code server} at the top. */
  static String key(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The path of a list item: {@code apis[0]}. */
  static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** A list, or null when absent (or not a list, which is reported). */
  static JsonArray list(ConfigReader reader, String key) {
    Object value = reader.value(key);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonArray array) {
      return array;
    }
    reader.problem(key, "must be a list");
    return null;
  }

  /** A list item that must be a map, as a reader; null (reported) otherwise. */
  static ConfigReader item(JsonArray list, int i, String listPath, List<String> problems) {
    String path = index(listPath, i);
    Object value = list.getValue(i);
    if (!(value instanceof JsonObject object)) {
      problems.add(path + ": must be a map");
      return null;
    }
    return new ConfigReader(object, path, problems);
  }

  /**
   * A PEM file named relative to {@code baseDir}: resolved, and checked to exist and to hold at
   * least one PEM block, so a wrong path fails at load rather than at the first TLS handshake.
   *
   * @return the resolved path, or null when absent or wrong (reported)
   */
  static Path pemFile(ConfigReader reader, String key, Path baseDir, boolean required) {
    String name = required ? reader.requiredString(key) : reader.string(key, null);
    if (name == null) {
      return null;
    }
    if (name.isEmpty()) {
      reader.problem(key, "must not be empty");
      return null;
    }
    Path file;
    try {
      file = baseDir.resolve(name).normalize();
    } catch (InvalidPathException e) {
      reader.problem(key, "is not a valid file path: " + name);
      return null;
    }
    if (!Files.isRegularFile(file)) {
      reader.problem(key, "file not found: " + file);
      return null;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(PEM_SNIFF_BYTES);
    } catch (IOException e) {
      reader.problem(key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
    if (!new String(head, StandardCharsets.ISO_8859_1).contains("-----BEGIN ")) {
      reader.problem(key, "is not a PEM file (no '-----BEGIN' line): " + file);
      return null;
    }
    return file;
  }
}
