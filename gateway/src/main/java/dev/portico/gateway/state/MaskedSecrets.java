package dev.portico.gateway.state;

import dev.portico.spi.PolicyFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Secrets in definitions written back through the admin API. {@code GET /apis/{name}} shows every
 * value a plugin marks secret as {@value #MASK}; an operator who edits that JSON and
 * PUTs it back means "keep the secret", not "set it to three stars".
 */
public final class MaskedSecrets {

  /** What a secret is shown as, and what a definition written back carries to keep it. */
  public static final String MASK = "***";

  private final Map<String, PolicyFactory<?>> factories;

  MaskedSecrets(Map<String, PolicyFactory<?>> factories) {
    this.factories = Map.copyOf(factories);
  }

  /**
   * Puts back the secrets a definition read from {@code GET /apis/{name}} carries as
   * {@value #MASK}: a policy at the same place (API level, or the route with the same
   * path) with the same name in the current definition gives its value. A mask with nothing to
   * take it from is a problem: a secret would silently become "***".
   */
  void unmask(JsonObject definition, JsonObject current, List<String> problems) {
    unmaskPolicies(definition.getValue("policies"), current == null ? null : current.getValue("policies"),
        "policies", problems);
    if (definition.getValue("routes") instanceof JsonArray routes) {
      JsonArray currentRoutes = current != null && current.getValue("routes") instanceof JsonArray r ? r : new JsonArray();
      for (int i = 0; i < routes.size(); i++) {
        if (routes.getValue(i) instanceof JsonObject route) {
          Object before = null;
          for (Object candidate : currentRoutes) {
            if (candidate instanceof JsonObject c && java.util.Objects.equals(c.getValue("path"), route.getValue("path"))) {
              before = c.getValue("policies");
              break;
            }
          }
          unmaskPolicies(route.getValue("policies"), before, "routes[" + i + "].policies", problems);
        }
      }
    }
  }

  private void unmaskPolicies(Object policies, Object current, String path, List<String> problems) {
    if (!(policies instanceof JsonArray list)) {
      return;
    }
    JsonArray before = current instanceof JsonArray c ? c : new JsonArray();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject item) || item.size() != 1) {
        continue;
      }
      String name = item.fieldNames().iterator().next();
      PolicyFactory<?> factory = factories.get(name);
      if (factory == null || !(item.getValue(name) instanceof JsonObject config)) {
        continue;
      }
      for (String key : factory.secretKeys()) {
        if (!MASK.equals(config.getValue(key))) {
          continue;
        }
        Object value = null;
        if (i < before.size() && before.getValue(i) instanceof JsonObject old && old.getValue(name) instanceof JsonObject oldConfig) {
          value = oldConfig.getValue(key);
        }
        if (value == null || MASK.equals(value)) {
          problems.add(path + "[" + i + "]." + name + "." + key + ": \"***\" is how the admin API shows a secret; "
              + "send the secret itself (there is no current value at this place to keep)");
        } else {
          config.put(key, value);
        }
      }
    }
  }

}
