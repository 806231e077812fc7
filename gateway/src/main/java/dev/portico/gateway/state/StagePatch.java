package dev.portico.gateway.state;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code PUT /apis/{name}/stages/{stage}}, checked, and how it merges into a stage:
 * a field left out keeps its value; {@code "deploymentId": null} follows the current definition
 * again, {@code "variables": null} takes the definition's again, {@code "canary": null} removes
 * the canary; inside {@code canary}, fields merge the same way.
 */
record StagePatch(JsonObject body, Map<String, String> variables, JsonObject canary) {

  private static final Set<String> FIELDS = Set.of("deploymentId", "variables", "canary");
  private static final Set<String> CANARY_FIELDS = Set.of("deploymentId", "percent", "sticky");

  /** Reads a body; every problem goes to {@code problems}, and the patch is not to be used then. */
  static StagePatch read(JsonObject body, List<String> problems) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        problems.add(key + ": unknown field (a stage takes deploymentId, variables and canary)");
      }
    }
    if (body.getValue("deploymentId") != null && !(body.getValue("deploymentId") instanceof String)) {
      problems.add("deploymentId: must be a deployment's id (or null to follow the current definition)");
    }
    return new StagePatch(body, variables(body.getValue("variables"), problems), canary(body.getValue("canary"), problems));
  }

  private static Map<String, String> variables(Object value, List<String> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject vars)) {
      problems.add("variables: must be a map of names to strings");
      return null;
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : vars) {
      if (e.getValue() instanceof String || e.getValue() instanceof Number || e.getValue() instanceof Boolean) {
        variables.put(e.getKey(), String.valueOf(e.getValue()));
      } else {
        problems.add("variables." + e.getKey() + ": must be a string");
      }
    }
    return variables;
  }

  private static JsonObject canary(Object value, List<String> problems) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject c)) {
      problems.add("canary: must be an object {deploymentId, percent, sticky} (or null to remove it)");
      return null;
    }
    for (String key : c.fieldNames()) {
      if (!CANARY_FIELDS.contains(key)) {
        problems.add("canary." + key + ": unknown field (a canary takes deploymentId, percent and sticky)");
      }
    }
    if (c.containsKey("deploymentId") && !(c.getValue("deploymentId") instanceof String)) {
      problems.add("canary.deploymentId: must be a deployment's id");
    }
    if (c.containsKey("percent") && !(c.getValue("percent") instanceof Number n
        && n.doubleValue() >= 0 && n.doubleValue() <= 100)) {
      problems.add("canary.percent: must be a number from 0 to 100");
    }
    if (c.containsKey("sticky") && !(c.getValue("sticky") instanceof Boolean)) {
      problems.add("canary.sticky: must be true or false");
    }
    return c;
  }

  /**
   * The stage after this patch, checked against the API's deployments.
   *
   * @throws WriteRefused when it names a deployment the API does not have
   */
  StageState applyTo(StageState old, ApiState api) {
    String deploymentId = body.containsKey("deploymentId") ? body.getString("deploymentId") : old.deploymentId();
    Map<String, String> vars = body.containsKey("variables") ? variables : old.variables();
    StageState.Canary before = old.canary();
    StageState.Canary after = before;
    if (body.containsKey("canary")) {
      after = canary == null ? null : new StageState.Canary(
          canary.containsKey("deploymentId") ? canary.getString("deploymentId") : before != null ? before.deploymentId() : null,
          canary.containsKey("percent") ? canary.getNumber("percent").doubleValue() : before != null ? before.percent() : 0,
          canary.containsKey("sticky") ? canary.getBoolean("sticky") : before != null && before.sticky());
    }
    List<String> refused = new java.util.ArrayList<>();
    if (deploymentId != null && api.deployment(deploymentId) == null) {
      refused.add("deploymentId: API '" + api.name() + "' has no deployment '" + deploymentId + "'");
    }
    if (after != null && after.deploymentId() == null) {
      refused.add("canary.deploymentId: is required");
    } else if (after != null && api.deployment(after.deploymentId()) == null) {
      refused.add("canary.deploymentId: API '" + api.name() + "' has no deployment '" + after.deploymentId() + "'");
    }
    if (!refused.isEmpty()) {
      throw WriteRefused.invalid("invalid stage", refused);
    }
    return new StageState(deploymentId, vars, after);
  }
}
