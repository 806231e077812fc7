package dev.portico.gateway.serving;

import dev.portico.gateway.config.ApiDefinition;
import dev.portico.gateway.state.ApiState;
import dev.portico.gateway.state.Definitions;
import dev.portico.gateway.state.StageState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each stage of every API serves, decided from the configuration file and the admin API's
 * state ({@link Definitions}): a stage's deployment, or the current definition when it names none,
 * and its canary. The compiler turns these plans into routes.
 */
public final class StagePlanner {

  /**
   * What the gateway serves: one plan per stage of every API, the problems of what cannot be
   * served, and the APIs they concern (e.g. a definition shared through the cluster naming an
   * upstream or a plugin this node does not have).
   */
  public record Plan(List<StagePlan> stages, List<String> problems, Set<String> leftOut) {}

  private final Definitions definitions;

  public StagePlanner(Definitions definitions) {
    this.definitions = definitions;
  }

  public Plan plan() {
    List<StagePlan> plans = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Set<String> leftOut = new TreeSet<>();
    for (ApiState state : definitions.effective()) {
      ApiDefinition fromFile = definitions.fileApi(state);
      if (fromFile != null) {
        // as loaded: problems and logs name its place in the file (apis[0].routes[1]...)
        plans.addAll(ConfigCompiler.plansOf(List.of(fromFile)));
        continue;
      }
      List<String> own = new ArrayList<>();
      ApiDefinition current = definitions.bindCurrent(state, own);
      for (String stage : Definitions.stageNames(state, current)) {
        StagePlan plan = stagePlan(state, stage, current, own);
        if (plan != null) {
          plans.add(plan);
        }
      }
      if (!own.isEmpty()) {
        leftOut.add(state.name());
      }
      problems.addAll(own);
    }
    return new Plan(plans, problems, leftOut);
  }

  private StagePlan stagePlan(ApiState state, String stage, ApiDefinition current, List<String> problems) {
    StageState s = state.stage(stage);
    ApiDefinition primary = definitions.served(state, stage, s.deploymentId(), current, problems);
    if (primary == null) {
      return null;
    }
    String deployment = s.deploymentId() == null ? CompiledRoute.CURRENT : s.deploymentId();
    StageState.Canary canary = s.canary();
    if (canary == null || canary.percent() <= 0) {
      return StagePlan.of(primary, deployment);
    }
    ApiDefinition canaryApi = definitions.served(state, stage, canary.deploymentId(), current, problems);
    if (canaryApi == null) {
      return StagePlan.of(primary, deployment);
    }
    return new StagePlan(primary, deployment, StagePlan.of(canaryApi, canary.deploymentId()), canary.percent(),
        canary.sticky());
  }
}
