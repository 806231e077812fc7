package dev.portico.gateway.pipeline;

import dev.portico.gateway.plugin.PolicyHandle;

/** A plugin's hook failed with something other than a {@code Rejection}: a bug, answered 500. */
final class PluginFailure extends RuntimeException {

  final PolicyHandle policy;

  PluginFailure(PolicyHandle policy, Throwable cause) {
    super("policy '" + policy.name() + "' at " + policy.configPath() + " failed: " + cause, cause, false, false);
    this.policy = policy;
  }
}
