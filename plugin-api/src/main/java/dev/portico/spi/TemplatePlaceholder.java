package dev.portico.spi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One {@code ${...}} of a {@link Template}, parsed: where its value comes from, and whether it is required. */
final class TemplatePlaceholder {

  enum Source {
    PRINCIPAL,
    REQUEST_HEADER,
    REQUEST_QUERY,
    REQUEST_PATH,
    STAGE,
    REQUEST_ID,
    BODY
  }

  /** The namespaces followed by a name: {@code ${principal.sub}}, {@code ${request.header.X-Tenant}}. */
  private record Namespace(String prefix, Source source) {}

  private static final List<Namespace> NAMESPACES = List.of(
      new Namespace("principal.", Source.PRINCIPAL),
      new Namespace("request.header.", Source.REQUEST_HEADER),
      new Namespace("request.query.", Source.REQUEST_QUERY),
      new Namespace("request.path.", Source.REQUEST_PATH),
      new Namespace("stage.", Source.STAGE));

  private static final String EXPECTED =
      "principal.<claim>, request.header.<Name>, request.query.<name>, request.path.<param>, stage.<variable>, requestId";

  private final Source source;
  /** The claim, header, query, parameter or variable name; null for requestId and body. */
  private final String name;
  /** For body: each step is a member name, or null where {@link #indices} holds an array index. */
  private final String[] members;
  private final int[] indices;
  private final boolean required;
  /** The placeholder as written, without {@code ${}, '!' and '}'}, e.g. {@code request.header.X-Tenant}. */
  private final String key;

  private TemplatePlaceholder(Source source, String name, String[] members, int[] indices, boolean required, String key) {
    this.source = source;
    this.name = name;
    this.members = members;
    this.indices = indices;
    this.required = required;
    this.key = key;
  }

  /**
   * Parses what is between {@code ${} and {@code }}.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error
   */
  static TemplatePlaceholder parse(String expression, boolean allowBody) {
    String written = "'${" + expression + "}'";
    boolean required = expression.endsWith("!");
    String key = required ? expression.substring(0, expression.length() - 1) : expression;
    if (key.isEmpty()) {
      throw new IllegalArgumentException("empty placeholder " + written + "; expected " + expected(allowBody));
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isWhitespace(c) || c == '{' || c == '$' || c == '!') {
        throw new IllegalArgumentException(
            "placeholder " + written + " must not contain whitespace, '$', '{' or '!' (a trailing '!' marks it required)");
      }
    }
    if (key.equals("requestId")) {
      return new TemplatePlaceholder(Source.REQUEST_ID, null, null, null, required, key);
    }
    if (key.equals("body") || key.startsWith("body.") || key.startsWith("body[")) {
      if (!allowBody) {
        throw new IllegalArgumentException("placeholder " + written + ": ${body...} is only available in body templates");
      }
      return body(key, required, written);
    }
    for (Namespace namespace : NAMESPACES) {
      String prefix = namespace.prefix();
      if (key.startsWith(prefix) || key.equals(prefix.substring(0, prefix.length() - 1))) {
        String name = key.length() > prefix.length() ? key.substring(prefix.length()) : "";
        if (name.isEmpty()) {
          throw new IllegalArgumentException(
              "placeholder " + written + " has an empty path; expected ${" + prefix + "<name>}");
        }
        return new TemplatePlaceholder(namespace.source(), name, null, null, required, key);
      }
    }
    int dot = key.indexOf('.', key.startsWith("request.") ? "request.".length() : 0);
    String namespace = dot < 0 ? key : key.substring(0, dot);
    throw new IllegalArgumentException(
        "unknown namespace '" + namespace + "' in " + written + "; expected " + expected(allowBody));
  }

  private static String expected(boolean allowBody) {
    return allowBody ? EXPECTED + ", body.<json.path>" : EXPECTED;
  }

  /** {@code body}, then {@code .member} and {@code [index]} steps, e.g. {@code body.pets[2].name}. */
  private static TemplatePlaceholder body(String key, boolean required, String written) {
    List<String> members = new ArrayList<>();
    List<Integer> indices = new ArrayList<>();
    int i = "body".length();
    while (i < key.length()) {
      char c = key.charAt(i);
      if (c == '.') {
        int j = i + 1;
        while (j < key.length() && key.charAt(j) != '.' && key.charAt(j) != '[') {
          if (key.charAt(j) == ']') {
            throw new IllegalArgumentException("placeholder " + written + " has a ']' without '['");
          }
          j++;
        }
        if (j == i + 1) {
          throw new IllegalArgumentException("placeholder " + written + " has an empty name in its body path");
        }
        members.add(key.substring(i + 1, j));
        indices.add(-1);
        i = j;
      } else if (c == '[') {
        int close = key.indexOf(']', i);
        if (close < 0) {
          throw new IllegalArgumentException("placeholder " + written + " has a '[' without ']'");
        }
        int index = parseIndex(key.substring(i + 1, close));
        if (index < 0) {
          throw new IllegalArgumentException(
              "placeholder " + written + ": an array index is a whole number, e.g. [0] (was '[" + key.substring(i + 1, close) + "]')");
        }
        members.add(null);
        indices.add(index);
        i = close + 1;
      } else {
        throw new IllegalArgumentException(
            "placeholder " + written + ": expected '.' or '[' after ']' in the body path");
      }
    }
    int[] idx = new int[indices.size()];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = indices.get(k);
    }
    return new TemplatePlaceholder(Source.BODY, null, members.toArray(new String[0]), idx, required, key);
  }

  private static int parseIndex(String digits) {
    if (digits.isEmpty() || digits.length() > 9) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  boolean usesBody() {
    return source == Source.BODY;
  }

  String key() {
    return key;
  }

  /**
   * The value, as found: a String, Number, Boolean, JSON object or array (or a claim's own type);
   * null when missing.
   *
   * @throws Rejection 400 when the placeholder is required and the value is missing or empty
   */
  Object value(RequestContext ctx, Object body) {
    Object value = lookup(ctx, body);
    if (required && (value == null || "".equals(value))) {
      throw Rejection.badRequest(key + " is required");
    }
    return value;
  }

  /** The value as text: "" when missing, JSON for objects and arrays. */
  String text(RequestContext ctx, Object body) {
    return asText(value(ctx, body));
  }

  private Object lookup(RequestContext ctx, Object body) {
    switch (source) {
      case PRINCIPAL:
        Principal principal = ctx.principal();
        return principal == null ? null : principal.claim(name);
      case REQUEST_HEADER:
        return ctx.request().headers().get(name);
      case REQUEST_QUERY:
        return ctx.request().query().get(name);
      case REQUEST_PATH:
        return ctx.pathParam(name);
      case STAGE:
        return ctx.stageVariable(name);
      case REQUEST_ID:
        return ctx.requestId();
      case BODY:
        return walk(body);
      default:
        throw new AssertionError(source);
    }
  }

  private Object walk(Object value) {
    for (int i = 0; i < members.length && value != null; i++) {
      if (members[i] != null) {
        if (value instanceof JsonObject object) {
          value = object.getValue(members[i]);
        } else if (value instanceof Map<?, ?> map) {
          value = map.get(members[i]);
        } else {
          return null;
        }
      } else {
        int index = indices[i];
        if (value instanceof JsonArray array) {
          value = index < array.size() ? array.getValue(index) : null;
        } else if (value instanceof List<?> list) {
          value = index < list.size() ? list.get(index) : null;
        } else {
          return null;
        }
      }
    }
    return value;
  }

  static String asText(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    if (value instanceof JsonArray array) {
      return array.encode();
    }
    if (value instanceof Map || value instanceof List) {
      return asJson(value).toString();
    }
    return String.valueOf(value);
  }

  /** The value with its JSON type: Java maps and lists become {@link JsonObject} and {@link JsonArray}. */
  @SuppressWarnings("unchecked")
  static Object asJson(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new JsonObject((Map<String, Object>) map);
    }
    if (value instanceof List<?> list) {
      return new JsonArray((List<Object>) list);
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof JsonObject || value instanceof JsonArray) {
      return value;
    }
    return String.valueOf(value);
  }
}
