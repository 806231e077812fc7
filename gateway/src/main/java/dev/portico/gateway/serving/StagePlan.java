package dev.portico.gateway.serving;

import dev.portico.gateway.config.ApiDefinition;

/**
 * One stage of one API as it is to be served: the definition it serves (bound with exactly that
 * stage and its variables), which deployment that is, and its canary, if any.
 *
 * @param api the served definition; its {@code stages} hold this one stage
 * @param deployment the deployment's id, or {@link CompiledRoute#CURRENT}
 * @param canary the canary's plan (same stage, another deployment), or null
 * @param percent the share of requests the canary gets, 0 to 100
 * @param sticky whether a client (by address) always lands on the same side
 */
public record StagePlan(ApiDefinition api, String deployment, StagePlan canary, double percent, boolean sticky) {

  public static StagePlan of(ApiDefinition api, String deployment) {
    return new StagePlan(api, deployment, null, 0, false);
  }

  public String stage() {
    return api.stages().keySet().iterator().next();
  }
}
