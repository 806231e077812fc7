package dev.portico.gateway.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text into a Vert.x JSON tree, in file order.
 *
 * @implNote The tree is built from Jackson's token stream rather than with
 *     {@code STRICT_DUPLICATE_DETECTION}: that feature aborts at the first duplicate key and knows
 *     no path, whereas here every duplicate is reported with its path and lines, and the rest of
 *     the file is still checked. The first occurrence of a duplicated key is the one kept.
 */
final class YamlTreeReader {

  private static final YAMLMapper MAPPER = new YAMLMapper();

  private static final String NOT_SECTIONS =
      "the configuration must be a map of sections (server, admin, counters, plugins, apis, usagePlans)";

  private final List<String> problems;
  private final String notAMap;

  private YamlTreeReader(List<String> problems, String notAMap) {
    this.problems = problems;
    this.notAMap = notAMap;
  }

  /**
   * The document's top-level map; an empty map for an empty document. Null when the text is not
   * YAML or not a map at the top, with one problem saying where and why.
   */
  static JsonObject read(String yaml, List<String> problems) {
    return read(yaml, NOT_SECTIONS, problems);
  }

  /** As {@link #read(String, List)}, with {@code notAMap} as the problem when the top is not a map. */
  static JsonObject read(String yaml, String notAMap, List<String> problems) {
    return new YamlTreeReader(problems, notAMap).readDocument(yaml);
  }

  private JsonObject readDocument(String yaml) {
    try (JsonParser parser = MAPPER.createParser(yaml)) {
      if (parser.nextToken() == null) {
        return new JsonObject();
      }
      JsonLocation start = parser.currentTokenLocation();
      Object root = value(parser, "");
      if (parser.nextToken() != null) {
        problems.add(at(parser.currentTokenLocation()) + ": only one YAML document is allowed (remove the second '---')");
        return null;
      }
      if (root == null) {
        return new JsonObject();
      }
      if (!(root instanceof JsonObject)) {
        problems.add(at(start) + ": " + notAMap);
        return null;
      }
      return (JsonObject) root;
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
        // SnakeYAML says what it was doing ("while parsing a flow sequence") and then what is
        // wrong, with its own mark: the second is what the user needs.
        Mark mark = marked.getProblemMark();
        problems.add("line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": " + firstLine(marked.getProblem()));
      } else {
        problems.add(at(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()));
      }
      return null;
    } catch (IOException e) {
      problems.add("configuration: cannot be read: " + firstLine(e.getMessage()));
      return null;
    }
  }

  /** Reads the value at the current token, leaving the parser on its last token. */
  private Object value(JsonParser parser, String path) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        return object(parser, path);
      case START_ARRAY:
        JsonArray array = new JsonArray();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser, path + "[" + array.size() + "]"));
        }
        return array;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return parser.getNumberValue();
      case VALUE_TRUE:
      case VALUE_FALSE:
        return bool(parser);
      case VALUE_NULL:
        return null;
      case VALUE_EMBEDDED_OBJECT:
        Object embedded = parser.getEmbeddedObject();
        return embedded instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes) : String.valueOf(embedded);
      default:
        throw new IllegalStateException("unexpected YAML token " + token);
    }
  }

  /**
   * Jackson reads YAML 1.1's booleans ({@code yes}, {@code on}, {@code True}...) as booleans; only
   * {@code true} and {@code false} are, in Portico's configuration (as in JSON). Any other spelling
   * stays the text written, so a boolean key refuses it with the value echoed and a string key
   * (a header value {@code on}) keeps what the user wrote.
   */
  private static Object bool(JsonParser parser) throws IOException {
    String written = parser.getText();
    if ("true".equals(written)) {
      return Boolean.TRUE;
    }
    if ("false".equals(written)) {
      return Boolean.FALSE;
    }
    return written;
  }

  private JsonObject object(JsonParser parser, String path) throws IOException {
    JsonObject object = new JsonObject();
    Map<String, Integer> lines = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      int line = parser.currentTokenLocation().getLineNr();
      String keyPath = ConfigValues.key(path, key);
      parser.nextToken();
      Object value = value(parser, keyPath);
      Integer first = lines.putIfAbsent(key, line);
      if (first != null) {
        problems.add(keyPath + ": duplicate key (line " + line + "; first at line " + first + ")");
      } else {
        object.put(key, value);
      }
    }
    return object;
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "configuration";
    }
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** SnakeYAML's messages go on with the offending line and a caret; the first line says it all (and shows no value). */
  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "not valid YAML";
    }
    String line = message.strip().lines().findFirst().orElse("").strip();
    return line.isEmpty() ? "not valid YAML" : line;
  }
}
