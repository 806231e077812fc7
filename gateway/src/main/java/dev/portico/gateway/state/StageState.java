package dev.portico.gateway.state;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the admin API set on a stage ({@code PUT /apis/{name}/stages/{stage}}). Each field is null
 * when never set: the stage then follows the API's current definition, takes its variables from
 * the definition's {@code stages} section, and has no canary.
 *
 * @param deploymentId the deployment the stage serves; null follows the current definition
 * @param variables replace the definition's variables for this stage when not null
 * @param canary a second deployment that gets a share of the stage's requests, or null
 */
public record StageState(String deploymentId, Map<String, String> variables, Canary canary) {

  public static final StageState EMPTY = new StageState(null, null, null);

  public StageState {
    variables = variables == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
  }

  /**
   * @param percent the share of the stage's requests sent to the canary, 0 to 100
   * @param sticky when true the same client (address) always lands on the same side
   */
  public record Canary(String deploymentId, double percent, boolean sticky) {

    JsonObject toJson() {
      return new JsonObject().put("deploymentId", deploymentId).put("percent", percent).put("sticky", sticky);
    }

    static Canary fromJson(JsonObject json) {
      return json == null ? null
          : new Canary(json.getString("deploymentId"), json.getDouble("percent", 0.0), json.getBoolean("sticky", false));
    }
  }

  public StageState withDeployment(String id) {
    return new StageState(id, variables, canary);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (deploymentId != null) {
      json.put("deploymentId", deploymentId);
    }
    if (variables != null) {
      json.put("variables", new JsonObject(new LinkedHashMap<>(variables)));
    }
    if (canary != null) {
      json.put("canary", canary.toJson());
    }
    return json;
  }

  static StageState fromJson(JsonObject json) {
    Map<String, String> variables = null;
    JsonObject vars = json.getJsonObject("variables");
    if (vars != null) {
      variables = new LinkedHashMap<>();
      for (String key : vars.fieldNames()) {
        variables.put(key, String.valueOf(vars.getValue(key)));
      }
    }
    return new StageState(json.getString("deploymentId"), variables, Canary.fromJson(json.getJsonObject("canary")));
  }
}
