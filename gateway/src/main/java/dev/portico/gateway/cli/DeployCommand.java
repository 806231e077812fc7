package dev.portico.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code portico deploy --api NAME [--stage STAGE] [--description TEXT]}: freezes the API's current
 * definition as a new deployment and, with {@code --stage}, points that stage at it.
 *
 * <pre>
 * $ bin/portico deploy --api demo --stage prod --description "v2: adds /pets"
 * deployed demo as 3f2a... (hash 9b1c0e77d2a4), created 2026-11-24T22:00:00Z
 * stage prod now serves 3f2a...
 * </pre>
 */
@Command(name = "deploy", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
    description = "Freeze an API's current definition as a deployment of a running gateway; with --stage, serve it there.")
final class DeployCommand extends AdminCommand {

  @Mixin
  ApiOption api;

  @Option(names = "--stage", paramLabel = "STAGE", description = "The stage that serves the new deployment from now on")
  String stage;

  @Option(names = "--description", paramLabel = "TEXT", description = "What this deployment is, for the list of deployments")
  String description;

  @Option(names = {"-q", "--quiet"}, description = "Print only the new deployment's id, e.g. for ID=$(bin/portico deploy ...)")
  boolean quiet;

  @Override
  void checkOptions() {
    if (stage != null && stage.isBlank()) {
      throw usage("--stage: must not be empty");
    }
  }

  @Override
  void run(AdminClient client, PrintWriter out) throws AdminCallException {
    JsonObject body = new JsonObject();
    if (stage != null) {
      body.put("stage", stage);
    }
    if (description != null) {
      body.put("description", description);
    }
    Object answer = client.post(api.path() + "/deployments", body);
    if (!(answer instanceof JsonObject deployment) || deployment.getString("id") == null) {
      throw new AdminCallException("the gateway answered the deployment without its id: " + answer);
    }
    String id = deployment.getString("id");
    if (quiet) {
      out.println(id);
      return;
    }
    out.println("deployed " + api.name() + " as " + id + " (hash " + DeploymentsCommand.shortHash(deployment.getString("hash"))
        + "), created " + deployment.getString("createdAt", "?"));
    if (stage != null) {
      out.println("stage " + stage + " now serves " + id);
    }
  }
}
