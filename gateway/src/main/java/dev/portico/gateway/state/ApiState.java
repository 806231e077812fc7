package dev.portico.gateway.state;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the admin API owns of one API: its current definition, its deployments and its
 * stages' pointers. Immutable; every write makes a new one with a higher {@link #version}, which
 * is how nodes of a cluster tell a newer state from an older one.
 *
 * @param definition the current definition as written; null once the API is deleted (the state is
 *     kept as a tombstone, so the configuration file's definition of the API stays ignored)
 * @param deployments newest first
 * @param stages by stage name, in the order they were first set
 */
public record ApiState(String name, long version, JsonObject definition, List<Deployment> deployments,
    Map<String, StageState> stages) {

  public ApiState {
    definition = definition == null ? null : definition.copy();
    deployments = List.copyOf(deployments);
    stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  /** The state of an API first written through the admin API. */
  public static ApiState created(String name, JsonObject definition) {
    return new ApiState(name, 0, definition, List.of(), Map.of());
  }

  public boolean deleted() {
    return definition == null;
  }

  @Override
  public JsonObject definition() {
    return definition == null ? null : definition.copy();
  }

  public Deployment deployment(String id) {
    for (Deployment d : deployments) {
      if (d.id().equals(id)) {
        return d;
      }
    }
    return null;
  }

  public StageState stage(String stage) {
    return stages.getOrDefault(stage, StageState.EMPTY);
  }

  public ApiState withDefinition(JsonObject newDefinition) {
    return new ApiState(name, version + 1, newDefinition, newDefinition == null ? List.of() : deployments,
        newDefinition == null ? Map.of() : stages);
  }

  public ApiState withDeployment(Deployment deployment) {
    List<Deployment> all = new ArrayList<>(deployments.size() + 1);
    all.add(deployment);
    all.addAll(deployments);
    return new ApiState(name, version + 1, definition, all, stages);
  }

  public ApiState withStage(String stage, StageState state) {
    Map<String, StageState> all = new LinkedHashMap<>(stages);
    if (state == null) {
      all.remove(stage);
    } else {
      all.put(stage, state);
    }
    return new ApiState(name, version + 1, definition, deployments, all);
  }

  public JsonObject toJson() {
    JsonArray deps = new JsonArray();
    deployments.forEach(d -> deps.add(d.toJson()));
    JsonObject stageJson = new JsonObject();
    stages.forEach((k, v) -> stageJson.put(k, v.toJson()));
    return new JsonObject().put("name", name).put("version", version).put("definition", definition)
        .put("deployments", deps).put("stages", stageJson);
  }

  public static ApiState fromJson(JsonObject json) {
    List<Deployment> deployments = new ArrayList<>();
    JsonArray deps = json.getJsonArray("deployments", new JsonArray());
    for (int i = 0; i < deps.size(); i++) {
      deployments.add(Deployment.fromJson(deps.getJsonObject(i)));
    }
    Map<String, StageState> stages = new LinkedHashMap<>();
    JsonObject stageJson = json.getJsonObject("stages", new JsonObject());
    for (String name : stageJson.fieldNames()) {
      stages.put(name, StageState.fromJson(stageJson.getJsonObject(name)));
    }
    return new ApiState(json.getString("name"), json.getLong("version", 0L), json.getJsonObject("definition"),
        deployments, stages);
  }
}
