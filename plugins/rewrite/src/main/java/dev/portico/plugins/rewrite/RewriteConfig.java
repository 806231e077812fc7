package dev.portico.plugins.rewrite;

import dev.portico.spi.Template;
import java.util.List;

/**
 * What the {@code rewrite} policy changes, bound once when the configuration is loaded.
 *
 * @param path the backend path, or null to keep the integration URI's
 * @param removeQuery names of the query parameters to remove
 * @param setQuery query parameters whose every value is replaced by the rendered template
 */
record RewriteConfig(BackendPath path, List<String> removeQuery, List<QueryParam> setQuery) {

  RewriteConfig {
    removeQuery = List.copyOf(removeQuery);
    setQuery = List.copyOf(setQuery);
  }

  boolean changesQuery() {
    return !removeQuery.isEmpty() || !setQuery.isEmpty();
  }

  /** A query parameter name and the template of its value. */
  record QueryParam(String name, Template value) {}
}
