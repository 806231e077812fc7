package dev.portico.plugins.body;

import dev.portico.spi.RequestContext;
import dev.portico.spi.Template;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A JSON value whose strings may hold placeholders, parsed once at load into a tree of constant
 * parts and {@link Template}s; rendering walks the tree and builds a fresh value, with no parsing.
 *
 * <p>A string that is exactly one placeholder becomes the value with its JSON type (a number stays
 * a number, an object an object, a missing value {@code null}); inside a longer string a value is
 * rendered as text. Object keys are literal.
 *
 * <p>Immutable and thread-safe: every render builds new {@link JsonObject}s and {@link JsonArray}s.
 */
abstract sealed class JsonTemplate {

  /**
   * Parses a template written as a JSON value (as the YAML loader produced it).
   *
   * @param path where the value sits in the policy's configuration, e.g. {@code request.items[2]}
   * @param problems told of each malformed placeholder: its path and the message
   */
  static JsonTemplate parse(Object json, String path, BiConsumer<String, String> problems) {
    if (json instanceof JsonObject object) {
      List<String> keys = new ArrayList<>(object.size());
      List<JsonTemplate> values = new ArrayList<>(object.size());
      for (Map.Entry<String, Object> e : object) {
        keys.add(e.getKey());
        values.add(parse(e.getValue(), path + "." + e.getKey(), problems));
      }
      return new ObjectNode(keys.toArray(new String[0]), values.toArray(new JsonTemplate[0]));
    }
    if (json instanceof JsonArray array) {
      JsonTemplate[] items = new JsonTemplate[array.size()];
      for (int i = 0; i < items.length; i++) {
        items[i] = parse(array.getValue(i), path + "[" + i + "]", problems);
      }
      return new ArrayNode(items);
    }
    if (json instanceof String text) {
      try {
        Template template = Template.parse(text, true);
        return template.isConstant() ? new Constant(text) : new Placeholders(template);
      } catch (IllegalArgumentException e) {
        problems.accept(path, e.getMessage());
        return new Constant(text);
      }
    }
    return new Constant(json); // a number, a boolean or null: immutable
  }

  /**
   * Renders the value for a request and a JSON body.
   *
   * @param body the parsed body ({@link JsonObject}, {@link JsonArray} or a plain value), or null
   * @throws dev.portico.spi.Rejection 400 naming the first required value that is missing
   */
  abstract Object render(RequestContext ctx, Object body);

  private static final class Constant extends JsonTemplate {
    private final Object value;

    Constant(Object value) {
      this.value = value;
    }

    @Override
    Object render(RequestContext ctx, Object body) {
      return value;
    }
  }

  private static final class Placeholders extends JsonTemplate {
    private final Template template;

    Placeholders(Template template) {
      this.template = template;
    }

    @Override
    Object render(RequestContext ctx, Object body) {
      return template.renderValue(ctx, body);
    }
  }

  private static final class ObjectNode extends JsonTemplate {
    private final String[] keys;
    private final JsonTemplate[] values;

    ObjectNode(String[] keys, JsonTemplate[] values) {
      this.keys = keys;
      this.values = values;
    }

    @Override
    Object render(RequestContext ctx, Object body) {
      JsonObject out = new JsonObject(new LinkedHashMap<>(keys.length * 2));
      for (int i = 0; i < keys.length; i++) {
        out.put(keys[i], values[i].render(ctx, body));
      }
      return out;
    }
  }

  private static final class ArrayNode extends JsonTemplate {
    private final JsonTemplate[] items;

    ArrayNode(JsonTemplate[] items) {
      this.items = items;
    }

    @Override
    Object render(RequestContext ctx, Object body) {
      JsonArray out = new JsonArray(new ArrayList<>(items.length));
      for (JsonTemplate item : items) {
        out.add(item.render(ctx, body));
      }
      return out;
    }
  }
}
