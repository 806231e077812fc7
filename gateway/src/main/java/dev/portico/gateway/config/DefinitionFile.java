package dev.portico.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One API definition as a file an operator edits ({@code bin/portico apis get} and {@code put}):
 * read from YAML or JSON (JSON is YAML) exactly as {@code portico.yaml} is read, and written as
 * YAML that reads back to the same tree. Nothing is substituted or bound here: the admin API binds
 * what it is sent.
 */
public final class DefinitionFile {

  // Strings that would read back as something else (true, 10, null, *alias) stay quoted; the rest
  // are written bare, as people write them.
  private static final YAMLMapper WRITER = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  private DefinitionFile() {}

  /**
   * The file's top-level map; null when it cannot be read or is not one map, with every problem,
   * each starting with the file's name, in {@code problems}.
   */
  public static JsonObject read(Path file, List<String> problems) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
      return null;
    }
    List<String> found = new ArrayList<>();
    JsonObject definition = YamlTreeReader.read(text, "an API definition must be a map (basePath, routes, ...)", found);
    found.forEach(problem -> problems.add(file + ": " + problem));
    return found.isEmpty() ? definition : null;
  }

  /** {@code definition} as YAML, which {@link #read} reads back to an equal tree. */
  public static String yaml(JsonObject definition) {
    try {
      // through Jackson's own tree: it cannot serialise Vert.x's JsonObject and JsonArray nested in the map
      return WRITER.writeValueAsString(JSON.readTree(definition.encode()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
