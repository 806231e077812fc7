package dev.portico.gateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${env:NAME}} and {@code ${env:NAME:-default}} in every string value of a
 * tree (keys are left alone). Like a shell, the default applies when the variable is unset or
 * empty. Every other {@code ${...}} is left as written, for the templates that read it at request
 * time. Substituted text is not scanned again.
 *
 * <p>A value whose substitution failed keeps its text; {@link #causedBy} lets the loader drop the
 * problems that binding that value then reports ("must be a number"...), so one mistake is one
 * line.
 */
final class EnvSubstitution {

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([^}]*)}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> env;
  private final List<String> problems;
  private final Set<String> failedPaths = new HashSet<>();

  EnvSubstitution(Map<String, String> env, List<String> problems) {
    this.env = env;
    this.problems = problems;
  }

  /** A copy of {@code value} (a JSON tree) with every reference substituted; problems are reported at {@code path}. */
  Object apply(Object value, String path) {
    if (value instanceof JsonObject object) {
      JsonObject out = new JsonObject();
      for (String key : object.fieldNames()) {
        out.put(key, apply(object.getValue(key), ConfigValues.key(path, key)));
      }
      return out;
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      for (int i = 0; i < array.size(); i++) {
        out.add(apply(array.getValue(i), ConfigValues.index(path, i)));
      }
      return out;
    }
    if (value instanceof String text && text.contains("${env:")) {
      return substitute(text, path);
    }
    return value;
  }

  /** Whether a problem line concerns a value whose substitution already failed. */
  boolean causedBy(String problem) {
    int colon = problem.indexOf(": ");
    return colon > 0 && failedPaths.contains(problem.substring(0, colon));
  }

  private String substitute(String text, String path) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    boolean failed = false;
    while (m.find()) {
      String inner = m.group(1);
      int dash = inner.indexOf(":-");
      String name = dash < 0 ? inner : inner.substring(0, dash);
      String fallback = dash < 0 ? null : inner.substring(dash + 2);
      String replacement;
      if (!NAME.matcher(name).matches()) {
        problems.add(path + ": '" + m.group() + "' is not a valid reference (write ${env:NAME} or ${env:NAME:-default})");
        replacement = null;
      } else {
        String set = env.get(name);
        if (fallback != null && (set == null || set.isEmpty())) {
          replacement = fallback;
        } else if (set == null) {
          problems.add(path + ": environment variable " + name + " is not set");
          replacement = null;
        } else {
          replacement = set;
        }
      }
      failed |= replacement == null;
      m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? m.group() : replacement));
    }
    m.appendTail(out);
    if (failed) {
      failedPaths.add(path);
    }
    return out.toString();
  }
}
