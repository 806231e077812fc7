package dev.portico.gateway.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A route's path template: literal segments, {@code {name}} (exactly one segment) and, last only,
 * {@code {name+}} (one or more segments: the rest of the path). The greedy parameter is referenced
 * in templates as {@code {name}}, without the '+' (the AWS convention).
 *
 * <pre>{@code
 * PathTemplate t = PathTemplate.parse("/pets/{id}/files/{rest+}");
 * t.segments();    // [Literal[pets], Param[id], Literal[files], Greedy[rest]]
 * t.paramNames();  // [id, rest]
 * t.shape();       // "/pets/{}/files/{+}"
 * }</pre>
 */
public final class PathTemplate {

  /** One segment of a template. */
  public sealed interface Segment permits Literal, Param, Greedy {}

  /** A segment that must be equal, e.g. {@code pets}. */
  public record Literal(String text) implements Segment {}

  /** {@code {name}}: any one non-empty segment. */
  public record Param(String name) implements Segment {}

  /** {@code {name+}}: one or more segments, the rest of the path. */
  public record Greedy(String name) implements Segment {}

  private final String text;
  private final List<Segment> segments;
  private final Set<String> paramNames;

  private PathTemplate(String text, List<Segment> segments, Set<String> paramNames) {
    this.text = text;
    this.segments = segments;
    this.paramNames = paramNames;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException with a message fit for a configuration error, e.g.
   *     "a greedy parameter {rest+} must be the last segment"
   */
  public static PathTemplate parse(String text) {
    if (text == null || text.isEmpty() || text.charAt(0) != '/') {
      throw new IllegalArgumentException("must start with '/'");
    }
    List<Segment> segments = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    String body = text.length() > 1 && text.endsWith("/") ? text.substring(1, text.length() - 1) : text.substring(1);
    if (!body.isEmpty()) {
      String[] parts = body.split("/", -1);
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i];
        if (part.isEmpty()) {
          throw new IllegalArgumentException("has an empty segment ('//')");
        }
        if (part.equals(".") || part.equals("..")) {
          throw new IllegalArgumentException("must not contain '.' or '..' segments");
        }
        boolean opens = part.indexOf('{') >= 0;
        boolean closes = part.indexOf('}') >= 0;
        if (!opens && !closes) {
          segments.add(new Literal(part));
          continue;
        }
        if (part.charAt(0) != '{' || part.charAt(part.length() - 1) != '}' || part.length() < 3
            || part.indexOf('{', 1) >= 0 || part.indexOf('}') != part.length() - 1) {
          throw new IllegalArgumentException(
              "segment '" + part + "' must be a literal, {name} or {name+} (a parameter takes a whole segment)");
        }
        String name = part.substring(1, part.length() - 1);
        boolean greedy = name.endsWith("+");
        if (greedy) {
          name = name.substring(0, name.length() - 1);
        }
        if (!validName(name)) {
          throw new IllegalArgumentException(
              "parameter name '" + name + "' must be letters, digits, '_' or '-'");
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("parameter {" + name + "} appears twice");
        }
        if (greedy) {
          if (i != parts.length - 1) {
            throw new IllegalArgumentException("a greedy parameter {" + name + "+} must be the last segment");
          }
          segments.add(new Greedy(name));
        } else {
          segments.add(new Param(name));
        }
      }
    }
    return new PathTemplate(text, List.copyOf(segments), Collections.unmodifiableSet(names));
  }

  private static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  public List<Segment> segments() {
    return segments;
  }

  /** Parameter names in order, greedy one without '+'. */
  public Set<String> paramNames() {
    return paramNames;
  }

  /** The template with parameter names erased: two templates of one shape match the same paths. */
  public String shape() {
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      sb.append('/');
      if (s instanceof Literal l) {
        sb.append(l.text());
      } else {
        sb.append(s instanceof Param ? "{}" : "{+}");
      }
    }
    return sb.toString();
  }

  /** A template for {@code prefix} followed by this one; the prefix is literal segments, e.g. {@code /beta/petstore}. */
  public PathTemplate under(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
      return this;
    }
    String joined = segments.isEmpty() ? prefix : prefix + text;
    return parse(joined);
  }

  @Override
  public String toString() {
    return text;
  }
}
