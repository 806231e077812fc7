package dev.portico.gateway.routing;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every route of the gateway, compiled into a trie of path segments: the gateway matches each
 * request against it.
 *
 * <pre>{@code
 * RouteTable<Route> table = RouteTable.<Route>builder()
 *     .add(PathTemplate.parse("/beta/petstore/pets/{id}"), Set.of("GET"), petById)
 *     .add(PathTemplate.parse("/beta/petstore/files/{proxy+}"), Set.of(), files)   // any method
 *     .build();
 * table.match("GET", "/beta/petstore/pets/7");       // Found(petById, {id=7})
 * table.match("PUT", "/beta/petstore/pets/7");       // MethodNotAllowed([GET, HEAD])
 * table.match("GET", "/beta/petstore/files/a/b");    // Found(files, {proxy=a/b})
 * table.match("GET", "/beta/petstore/toys");         // NotFound
 * }</pre>
 *
 * <p>Matching rules:
 *
 * <ul>
 *   <li>A literal segment beats {@code {p}}, which beats {@code {p+}}. When the preferred branch
 *       leads to no route that accepts the method, the next one is tried: with {@code GET
 *       /pets/mine} and {@code /pets/{id}/photos}, {@code /pets/mine/photos} matches the latter;
 *       with {@code GET /pets/mine} and {@code DELETE /pets/{id}}, {@code DELETE /pets/mine}
 *       matches the latter with {@code id=mine}.</li>
 *   <li>{@code {p}} matches one non-empty segment, {@code {p+}} one or more (the rest of the
 *       path). A trailing '/' on the request path is ignored.</li>
 *   <li>A route with no methods accepts any method. A {@code GET} route also accepts {@code HEAD}
 *       unless a {@code HEAD} route has the same shape.</li>
 *   <li>When routes match the path but none accepts the method, the answer is 405 with the union
 *       of the methods of those routes (so {@code Allow} lists every method the path can serve).
 *       Otherwise 404.</li>
 * </ul>
 *
 * <p>A table is immutable and safe to share between event loops; a new configuration builds a new
 * table.
 *
 * @implNote Matching walks the path by index, depth first in precedence order; no regex, no
 *     substring until a route is found, no scan of the routes. A miss allocates nothing; a hit
 *     allocates the result and one string per parameter.
 * @param <T> what a route leads to
 */
public final class RouteTable<T> {

  private final Node<T> root;
  private final int size;

  private RouteTable(Node<T> root, int size) {
    this.root = root;
    this.size = size;
  }

  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /** The number of routes. */
  public int size() {
    return size;
  }

  /**
   * Finds the route for a request.
   *
   * @param method the request's method, as sent (methods are case-sensitive)
   * @param path the request's path: normalised, still percent-encoded, without the query
   */
  public RouteMatch<T> match(String method, String path) {
    int end = path.length();
    if (end == 0 || path.charAt(0) != '/') {
      return RouteMatch.notFound();
    }
    if (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    int start = end == 1 ? 1 : 0;   // "/" has no segment
    Hit<T> hit = find(root, method, path, start, end, 0);
    if (hit != null) {
      return new RouteMatch.Found<>(hit.route.target, hit);
    }
    RouteMatch.MethodNotAllowed<T> notAllowed = allowed(root, path, start, end, null);
    return notAllowed != null ? notAllowed : RouteMatch.notFound();
  }

  /**
   * The route under {@code node} for the rest of the path, {@code path[pos, end)}, where
   * {@code pos} is at the '/' before the next segment or at {@code end}.
   *
   * @param paramIndex how many parameters the path has bound so far: the index of the next one
   */
  private static <T> Hit<T> find(Node<T> node, String method, String path, int pos, int end, int paramIndex) {
    if (pos >= end) {
      Route<T> route = node.routeFor(method);
      return route == null ? null : new Hit<>(route);
    }
    int from = pos + 1;
    int to = segmentEnd(path, from, end);
    Node<T> literal = node.literals.get(path, from, to);
    if (literal != null) {
      Hit<T> hit = find(literal, method, path, to, end, paramIndex);
      if (hit != null) {
        return hit;
      }
    }
    if (to == from) {
      return null;   // an empty segment is no parameter
    }
    if (node.param != null) {
      Hit<T> hit = find(node.param, method, path, to, end, paramIndex + 1);
      if (hit != null) {
        hit.values[paramIndex] = path.substring(from, to);
        return hit;
      }
    }
    if (node.greedy != null) {
      Route<T> route = node.greedy.routeFor(method);
      if (route != null) {
        Hit<T> hit = new Hit<>(route);
        hit.values[paramIndex] = path.substring(from, end);
        return hit;
      }
    }
    return null;
  }

  /** The methods of every route whose shape matches the rest of the path, merged into {@code acc}. */
  private static <T> RouteMatch.MethodNotAllowed<T> allowed(
      Node<T> node, String path, int pos, int end, RouteMatch.MethodNotAllowed<T> acc) {
    if (pos >= end) {
      return merge(acc, node.notAllowed);
    }
    int from = pos + 1;
    int to = segmentEnd(path, from, end);
    Node<T> literal = node.literals.get(path, from, to);
    if (literal != null) {
      acc = allowed(literal, path, to, end, acc);
    }
    if (to == from) {
      return acc;
    }
    if (node.param != null) {
      acc = allowed(node.param, path, to, end, acc);
    }
    if (node.greedy != null) {
      acc = merge(acc, node.greedy.notAllowed);
    }
    return acc;
  }

  private static <T> RouteMatch.MethodNotAllowed<T> merge(
      RouteMatch.MethodNotAllowed<T> a, RouteMatch.MethodNotAllowed<T> b) {
    if (a == null || a == b) {
      return b;
    }
    if (b == null) {
      return a;
    }
    Set<String> union = new TreeSet<>(a.allowedMethods());
    union.addAll(b.allowedMethods());
    return new RouteMatch.MethodNotAllowed<>(Collections.unmodifiableSet(union));
  }

  private static int segmentEnd(String path, int from, int end) {
    int i = from;
    while (i < end && path.charAt(i) != '/') {
      i++;
    }
    return i;
  }

  /** Builds a table; {@link #add} throws for a route that conflicts with one already added. */
  public static final class Builder<T> {

    private final BuilderNode<T> root = new BuilderNode<>();
    private int size;

    private Builder() {}

    /**
     * Adds a route.
     *
     * @param methods the methods the route accepts (upper-cased here); empty for any method
     * @throws IllegalArgumentException when a route of the same shape (parameter names aside)
     *     accepts one of the same methods; a route for any method overlaps every other route of
     *     its shape
     */
    public Builder<T> add(PathTemplate template, Set<String> methods, T target) {
      BuilderNode<T> node = root;
      for (PathTemplate.Segment segment : template.segments()) {
        if (segment instanceof PathTemplate.Literal literal) {
          node = node.literals.computeIfAbsent(literal.text(), k -> new BuilderNode<>());
        } else if (segment instanceof PathTemplate.Param) {
          node = node.param != null ? node.param : (node.param = new BuilderNode<>());
        } else {
          node = node.greedy != null ? node.greedy : (node.greedy = new BuilderNode<>());
        }
      }
      Set<String> normalised = new TreeSet<>();
      for (String method : methods) {
        normalised.add(method.toUpperCase(Locale.ROOT));
      }
      Route<T> route = new Route<>(template, Collections.unmodifiableSet(normalised), target);
      for (Route<T> existing : node.routes) {
        if (existing.overlaps(route)) {
          throw new IllegalArgumentException(
              "route " + route + " has the same shape as route " + existing + " and overlapping methods");
        }
      }
      node.routes.add(route);
      size++;
      return this;
    }

    public RouteTable<T> build() {
      return new RouteTable<>(root.compile(), size);
    }
  }

  /** One node of the trie, as the builder grows it. */
  private static final class BuilderNode<T> {
    final Map<String, BuilderNode<T>> literals = new LinkedHashMap<>();
    BuilderNode<T> param;
    BuilderNode<T> greedy;
    final List<Route<T>> routes = new ArrayList<>();

    Node<T> compile() {
      Map<String, Node<T>> children = new HashMap<>();
      literals.forEach((text, child) -> children.put(text, child.compile()));
      return new Node<>(
          new LiteralSegments<>(children),
          param == null ? null : param.compile(),
          greedy == null ? null : greedy.compile(),
          routes);
    }
  }

  /** One node of the compiled trie: the routes whose template ends here, and the ways on. */
  private static final class Node<T> {
    final LiteralSegments<Node<T>> literals;
    final Node<T> param;
    final Node<T> greedy;
    final Route<T> anyMethod;
    final Map<String, Route<T>> byMethod;
    /** The 405 answer for a path that ends here; null when no route ends here. */
    final RouteMatch.MethodNotAllowed<T> notAllowed;

    Node(LiteralSegments<Node<T>> literals, Node<T> param, Node<T> greedy, List<Route<T>> routes) {
      this.literals = literals;
      this.param = param;
      this.greedy = greedy;
      Route<T> any = null;
      Map<String, Route<T>> methods = new HashMap<>();
      Set<String> allowed = new TreeSet<>();
      for (Route<T> route : routes) {
        if (route.methods.isEmpty()) {
          any = route;
        }
        for (String method : route.methods) {
          methods.put(method, route);
          allowed.add(method);
        }
      }
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      this.anyMethod = any;
      this.byMethod = Map.copyOf(methods);
      this.notAllowed = routes.isEmpty() || any != null
          ? null
          : new RouteMatch.MethodNotAllowed<>(Collections.unmodifiableSet(allowed));
    }

    /** The route here that accepts {@code method}, or null. */
    Route<T> routeFor(String method) {
      if (anyMethod != null) {
        return anyMethod;   // the builder allows no other route beside it
      }
      Route<T> route = byMethod.get(method);
      if (route == null && method.equals("HEAD")) {
        route = byMethod.get("GET");
      }
      return route;
    }
  }

  private static final class Route<T> {
    final PathTemplate template;
    final Set<String> methods;
    final T target;
    final String[] paramNames;

    Route(PathTemplate template, Set<String> methods, T target) {
      this.template = template;
      this.methods = methods;
      this.target = target;
      this.paramNames = template.paramNames().toArray(new String[0]);
    }

    boolean overlaps(Route<T> other) {
      return methods.isEmpty() || other.methods.isEmpty() || !Collections.disjoint(methods, other.methods);
    }

    @Override
    public String toString() {
      return (methods.isEmpty() ? "ANY" : String.join(",", methods)) + " " + template;
    }
  }

  /**
   * A found route and its parameters, filled in as the search unwinds; it is also the parameter
   * map handed out, so a hit allocates no map besides it.
   */
  private static final class Hit<T> extends AbstractMap<String, String> {
    final Route<T> route;
    final String[] values;

    Hit(Route<T> route) {
      this.route = route;
      this.values = new String[route.paramNames.length];
    }

    @Override
    public String get(Object key) {
      String[] names = route.paramNames;
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(key)) {
          return values[i];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
              return next < values.length;
            }

            @Override
            public Entry<String, String> next() {
              if (next >= values.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(route.paramNames[i], values[i]);
            }
          };
        }

        @Override
        public int size() {
          return values.length;
        }
      };
    }
  }
}
