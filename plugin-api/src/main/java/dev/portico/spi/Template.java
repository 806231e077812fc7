package dev.portico.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A text with {@code ${...}} placeholders: the one template language of the configuration, parsed
 * and checked once when the configuration is loaded, rendered per request.
 *
 * <p>Placeholders:
 *
 * <table>
 *   <caption>What a placeholder reads</caption>
 *   <tr><td>{@code ${principal.<claim>}}</td><td>{@link Principal#claim}; {@code ${principal.id}} always works</td></tr>
 *   <tr><td>{@code ${request.header.<Name>}}</td><td>a request header (name case-insensitive; the first value)</td></tr>
 *   <tr><td>{@code ${request.query.<name>}}</td><td>a query parameter (the first value)</td></tr>
 *   <tr><td>{@code ${request.path.<param>}}</td><td>{@link RequestContext#pathParam}, e.g. {@code {proxy+}} as {@code proxy}</td></tr>
 *   <tr><td>{@code ${stage.<variable>}}</td><td>{@link RequestContext#stageVariable}</td></tr>
 *   <tr><td>{@code ${requestId}}</td><td>{@link RequestContext#requestId}</td></tr>
 *   <tr><td>{@code ${body.<json.path>}}</td><td>only where the caller allows it: a member of the JSON body, with
 *       dots and {@code [n]} for array items ({@code ${body.pets[2].name}}); {@code ${body}} is the whole body</td></tr>
 * </table>
 *
 * <p>Request headers and query parameters are read from {@link RequestContext#request()} as it
 * stands when the template is rendered (after earlier transformers). A missing value renders as
 * {@code ""}; a trailing {@code !} makes it required: {@code ${request.header.X-Tenant!}} fails the
 * render with {@code 400 "request.header.X-Tenant is required"} when the header is absent or empty.
 * Strings render as themselves, numbers and booleans as their JSON text, objects and arrays as
 * JSON. A {@code $} not followed by {@code {} is plain text; {@code ${} always opens a placeholder.
 *
 * <p>Parse in {@link PolicyFactory#parse}, render in a hook:
 *
 * <pre>{@code
 * public Config parse(ConfigReader config) {
 *   String text = config.string("user", "${principal.id}");
 *   try {
 *     return new Config(Template.parse(text, false));
 *   } catch (IllegalArgumentException e) {
 *     config.problem("user", e.getMessage());   // "...user: unknown namespace 'princpal' in '${princpal.id}'; expected ..."
 *     return null;
 *   }
 * }
 *
 * public Future<Void> onRequest(RequestContext ctx) {
 *   try {
 *     ctx.request().headers().set("X-User", config.user().renderHeaderValue(ctx));
 *     return Future.succeededFuture();
 *   } catch (Rejection r) {
 *     return Future.failedFuture(r);            // 400: a required value is missing, or a value holds CR/LF
 *   }
 * }
 * }</pre>
 *
 * <p>In a JSON body template, a string that is exactly one placeholder keeps the value's JSON type,
 * which {@link #renderValue} gives: {@code "${body.count}"} renders as the number {@code 3}, while
 * {@code "count: ${body.count}"} renders as the text {@code "count: 3"}.
 *
 * <p>A template is immutable and thread-safe. Rendering uses no regex and no reflection: it
 * concatenates pre-parsed parts.
 */
public final class Template {

  private final String text;
  /** The text between placeholders: one more than {@link #placeholders}, "" where two touch. */
  private final String[] literals;
  private final TemplatePlaceholder[] placeholders;
  private final int literalLength;
  private final boolean usesBody;
  private final boolean controlCharInLiterals;

  private Template(String text, String[] literals, TemplatePlaceholder[] placeholders) {
    this.text = text;
    this.literals = literals;
    this.placeholders = placeholders;
    int length = 0;
    boolean control = false;
    for (String literal : literals) {
      length += literal.length();
      control |= firstControlChar(literal) >= 0;
    }
    boolean body = false;
    for (TemplatePlaceholder placeholder : placeholders) {
      body |= placeholder.usesBody();
    }
    this.literalLength = length;
    this.usesBody = body;
    this.controlCharInLiterals = control;
  }

  /**
   * Parses a template.
   *
   * @param allowBody whether {@code ${body...}} placeholders may be used (body templates only)
   * @throws IllegalArgumentException with a message fit for a configuration error: an unknown
   *     namespace, a malformed or unclosed placeholder, an empty path, {@code ${body...}} where the
   *     body is not allowed
   */
  public static Template parse(String text, boolean allowBody) {
    Objects.requireNonNull(text, "text");
    List<String> literals = new ArrayList<>();
    List<TemplatePlaceholder> placeholders = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = text.indexOf("${", from);
      if (open < 0) {
        literals.add(text.substring(from));
        break;
      }
      int close = text.indexOf('}', open + 2);
      if (close < 0) {
        String rest = text.substring(open);
        throw new IllegalArgumentException(
            "unclosed placeholder '" + (rest.length() > 40 ? rest.substring(0, 40) + "..." : rest) + "': missing '}'");
      }
      literals.add(text.substring(from, open));
      placeholders.add(TemplatePlaceholder.parse(text.substring(open + 2, close), allowBody));
      from = close + 1;
    }
    return new Template(text, literals.toArray(new String[0]), placeholders.toArray(new TemplatePlaceholder[0]));
  }

  /** The template as written. */
  public String text() {
    return text;
  }

  /** True when the template has no placeholder: it always renders as {@link #text()}. */
  public boolean isConstant() {
    return placeholders.length == 0;
  }

  /** True when the whole template is exactly one placeholder, e.g. {@code ${body.count}}. */
  public boolean isSinglePlaceholder() {
    return placeholders.length == 1 && literals[0].isEmpty() && literals[1].isEmpty();
  }

  /** True when the template reads the body: the caller must buffer it and pass it to {@link #render(RequestContext, Object)}. */
  public boolean usesBody() {
    return usesBody;
  }

  /**
   * Renders the template for a request; {@code ${body...}} placeholders render as missing.
   *
   * @throws Rejection 400 naming the first required value that is missing
   */
  public String render(RequestContext ctx) {
    return render(ctx, null);
  }

  /**
   * Renders the template for a request and a JSON body.
   *
   * @param bodyJson the body: a {@link io.vertx.core.json.JsonObject}, {@link io.vertx.core.json.JsonArray},
   *     or a plain value; null for none
   * @throws Rejection 400 naming the first required value that is missing
   */
  public String render(RequestContext ctx, Object bodyJson) {
    if (placeholders.length == 0) {
      return literals[0];
    }
    if (isSinglePlaceholder()) {
      return placeholders[0].text(ctx, bodyJson);
    }
    StringBuilder out = new StringBuilder(literalLength + 16 * placeholders.length);
    out.append(literals[0]);
    for (int i = 0; i < placeholders.length; i++) {
      out.append(placeholders[i].text(ctx, bodyJson)).append(literals[i + 1]);
    }
    return out.toString();
  }

  /**
   * Renders the template as a JSON value: when it is exactly one placeholder, the value with its
   * JSON type (a String, Number, Boolean, {@link io.vertx.core.json.JsonObject} or
   * {@link io.vertx.core.json.JsonArray}, or null when missing); otherwise the rendered text.
   *
   * <pre>{@code
   * Template.parse("${body.count}", true).renderValue(ctx, new JsonObject().put("count", 3));         // 3
   * Template.parse("n=${body.count}", true).renderValue(ctx, new JsonObject().put("count", 3));       // "n=3"
   * Template.parse("${body.missing}", true).renderValue(ctx, new JsonObject());                       // null
   * }</pre>
   *
   * @throws Rejection 400 naming the first required value that is missing
   */
  public Object renderValue(RequestContext ctx, Object bodyJson) {
    if (isSinglePlaceholder()) {
      return TemplatePlaceholder.asJson(placeholders[0].value(ctx, bodyJson));
    }
    return render(ctx, bodyJson);
  }

  /**
   * Renders the template as the value of an HTTP header: like {@link #render(RequestContext)},
   * but a value holding CR, LF or another control character (HTAB aside) is refused, so that a
   * request cannot inject a header.
   *
   * @throws Rejection 400 naming the first required value that is missing, or the placeholder
   *     whose value holds a control character
   * @throws IllegalStateException when the template's own text holds a control character (a
   *     configuration bug: check {@link #text()} when the configuration is loaded)
   */
  public String renderHeaderValue(RequestContext ctx) {
    if (controlCharInLiterals) {
      throw new IllegalStateException("the header value template '" + text + "' contains a control character");
    }
    if (placeholders.length == 0) {
      return literals[0];
    }
    if (isSinglePlaceholder()) {
      return headerSafe(placeholders[0], placeholders[0].text(ctx, null));
    }
    StringBuilder out = new StringBuilder(literalLength + 16 * placeholders.length);
    out.append(literals[0]);
    for (int i = 0; i < placeholders.length; i++) {
      out.append(headerSafe(placeholders[i], placeholders[i].text(ctx, null))).append(literals[i + 1]);
    }
    return out.toString();
  }

  private static String headerSafe(TemplatePlaceholder placeholder, String value) {
    if (firstControlChar(value) >= 0) {
      throw Rejection.badRequest(placeholder.key() + " must not contain CR, LF or other control characters");
    }
    return value;
  }

  /** The index of the first character that may not appear in a header value (CTL but HTAB), or -1. */
  static int firstControlChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  /** Two templates are equal when they are written the same. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Template other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
