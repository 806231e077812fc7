package dev.portico.gateway.admin;

import dev.portico.gateway.config.ApiDefinition;
import dev.portico.gateway.config.IntegrationDefinition;
import dev.portico.gateway.config.PolicyRef;
import dev.portico.gateway.config.RouteDefinition;
import dev.portico.gateway.config.StageDefinition;
import dev.portico.gateway.state.MaskedSecrets;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/** API definitions as the admin API shows them: as configured, with every secret shown as {@code "***"}. */
public final class DefinitionJson {

  public static final String MASK = MaskedSecrets.MASK;

  private final Map<String, PolicyFactory<?>> factories;

  public DefinitionJson(Map<String, PolicyFactory<?>> factories) {
    this.factories = factories;
  }

  public JsonObject api(ApiDefinition api) {
    JsonObject stages = new JsonObject();
    for (StageDefinition s : api.stages().values()) {
      stages.put(s.name(), new JsonObject().put("variables", new JsonObject(Map.copyOf(s.variables()))));
    }
    JsonArray routes = new JsonArray();
    for (RouteDefinition r : api.routes()) {
      JsonObject route = new JsonObject().put("path", r.path());
      if (!r.methods().isEmpty()) {
        route.put("methods", new JsonArray(r.methods().stream().sorted().toList()));
      }
      route.put("integration", integration(r.integration()));
      if (!r.policies().isEmpty()) {
        route.put("policies", policies(r.policies()));
      }
      routes.add(route);
    }
    JsonObject json = new JsonObject().put("name", api.name()).put("basePath", api.basePath()).put("stages", stages);
    if (!api.policies().isEmpty()) {
      json.put("policies", policies(api.policies()));
    }
    return json.put("routes", routes);
  }

  private static JsonObject integration(IntegrationDefinition i) {
    JsonObject json = new JsonObject().put("type", i.type().name().toLowerCase(java.util.Locale.ROOT));
    if (i.type() == IntegrationDefinition.Type.HTTP) {
      json.put("uri", i.uri()).put("timeout", i.timeout().toMillis() + "ms");
    } else {
      json.put("status", i.status());
      if (!i.headers().isEmpty()) {
        json.put("headers", new JsonObject(Map.copyOf(i.headers())));
      }
      if (i.body() != null) {
        json.put("body", i.body());
      }
    }
    return json;
  }

  private JsonArray policies(java.util.List<PolicyRef> refs) {
    JsonArray out = new JsonArray();
    for (PolicyRef ref : refs) {
      JsonObject config = ref.config().copy();
      PolicyFactory<?> factory = factories.get(ref.name());
      Set<String> secrets = factory == null ? Set.of() : factory.secretKeys();
      for (String key : secrets) {
        if (config.containsKey(key)) {
          config.put(key, MASK);
        }
      }
      out.add(new JsonObject().put(ref.name(), config));
    }
    return out;
  }
}
