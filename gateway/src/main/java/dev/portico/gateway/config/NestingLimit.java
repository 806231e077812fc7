package dev.portico.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * How deep maps and lists may nest in an API definition: {@value #MAX_DEPTH} levels, the
 * definition itself being the first. One limit for the configuration file, the admin API and what
 * {@code data/} holds, checked where each definition is bound ({@link ApiBinder}).
 *
 * @implNote Real definitions nest a dozen levels (a JSON schema or a mock body a few dozen); the
 *     limit is there because parsing, copying and encoding JSON recurse once per level, so a
 *     definition nested hundreds of levels can overflow a thread's stack on one path and not on
 *     another (code the JIT has not compiled yet uses larger frames): an admin write that
 *     succeeded could then fail the next start. At this depth no path comes close.
 */
public final class NestingLimit {

  public static final int MAX_DEPTH = 64;

  private NestingLimit() {}

  /**
   * The problem of a definition nested deeper than {@link #MAX_DEPTH}, naming the first map or
   * list too deep, e.g. {@code routes[0].integration.body.a.a...: nested too deep (...)}; null when
   * it is within the limit. Looks no deeper than the limit, so it is safe on any tree.
   *
   * @param path the definition's path in problems ({@code apis[0]}, or {@code ""})
   */
  public static String problem(JsonObject definition, String path) {
    String tooDeep = tooDeep(definition, path, 1);
    return tooDeep == null ? null
        : tooDeep + ": nested too deep: maps and lists may nest at most " + MAX_DEPTH + " levels in an API definition";
  }

  /** The path of the first map or list below {@code value} deeper than the limit, or null. */
  private static String tooDeep(Object value, String path, int depth) {
    if (!(value instanceof JsonObject) && !(value instanceof JsonArray)) {
      return null;
    }
    if (depth > MAX_DEPTH) {
      return path;
    }
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String found = tooDeep(e.getValue(), ConfigValues.key(path, e.getKey()), depth + 1);
        if (found != null) {
          return found;
        }
      }
    } else {
      JsonArray array = (JsonArray) value;
      for (int i = 0; i < array.size(); i++) {
        String found = tooDeep(array.getValue(i), ConfigValues.index(path, i), depth + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
