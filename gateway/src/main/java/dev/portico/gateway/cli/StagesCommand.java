package dev.portico.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code portico stages --api NAME}: an API's stages, the deployment each serves, its canary and
 * its variables; with {@code --stage} and a change, changes that stage.
 *
 * <pre>
 * bin/portico stages --api demo                                       # list
 * bin/portico stages --api demo --stage prod --canary ID --percent 10 # send 10% to ID
 * bin/portico stages --api demo --stage prod --percent 50             # the same canary, 50%
 * bin/portico stages --api demo --stage prod --deployment ID --no-canary   # promote it
 * bin/portico stages --api demo --stage prod --deployment OLDER       # roll back
 * bin/portico stages --api demo --stage prod --follow-current         # serve the definition as it is
 * </pre>
 *
 * A change is one {@code PUT /apis/{name}/stages/{stage}}, which keeps what it does not name.
 */
@Command(name = "stages", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
    description = {"List an API's stages on a running gateway; with --stage and a change, change that stage.",
        "Rollback: --deployment with an older id (see: bin/portico deployments --api NAME)."})
final class StagesCommand extends AdminCommand {

  @Mixin
  ApiOption api;

  @Option(names = "--stage", paramLabel = "STAGE", description = "The stage to show or change")
  String stage;

  @Option(names = "--deployment", paramLabel = "ID", description = "Serve this deployment on the stage (an older one: a rollback)")
  String deployment;

  @Option(names = "--follow-current", description = "Serve the API's current definition on the stage, as it changes")
  boolean followCurrent;

  @Option(names = "--canary", paramLabel = "ID", description = "Send --percent of the stage's requests to this deployment (alone: keep the canary's share)")
  String canary;

  @Option(names = "--percent", paramLabel = "N", description = "The canary's share of requests, 0 to 100 (0.5 works too); alone: change the share of the stage's canary")
  Double percent;

  @Option(names = "--no-canary", description = "Remove the stage's canary: every request is served by its deployment")
  boolean noCanary;

  @Option(names = "--variable", paramLabel = "NAME=VALUE",
      description = "Set a stage variable, keeping the others; repeatable")
  Map<String, String> variables = new LinkedHashMap<>();

  private boolean changes() {
    return deployment != null || followCurrent || canary != null || percent != null || noCanary || !variables.isEmpty();
  }

  @Override
  void checkOptions() {
    if (stage != null && stage.isBlank()) {
      throw usage("--stage: must not be empty");
    }
    if (changes() && stage == null) {
      throw usage("--stage: name the stage to change");
    }
    if (deployment != null && followCurrent) {
      throw usage("--deployment and --follow-current: give one of them");
    }
    if (noCanary && (canary != null || percent != null)) {
      throw usage("--no-canary: not with --canary or --percent");
    }
    if (percent != null && !(percent >= 0 && percent <= 100)) {
      throw usage("--percent: must be from 0 to 100 (was " + percent(percent) + ")");
    }
  }

  @Override
  void run(AdminClient client, PrintWriter out) throws AdminCallException {
    if (!changes()) {
      List<JsonObject> stages = list(client);
      if (stage != null) {
        stages = stages.stream().filter(s -> stage.equals(s.getString("name"))).toList();
        if (stages.isEmpty()) {
          throw new AdminCallException(api.name() + " has no stage " + stage);
        }
      }
      print(stages, out);
      return;
    }
    JsonObject body = new JsonObject();
    if (deployment != null) {
      body.put("deploymentId", deployment);
    } else if (followCurrent) {
      body.putNull("deploymentId");
    }
    if (canary != null || percent != null) {
      // the admin API merges inside the canary too: --percent alone keeps its deployment, --canary
      // alone its share (0 for a new canary)
      JsonObject change = new JsonObject();
      if (canary != null) {
        change.put("deploymentId", canary);
      }
      if (percent != null) {
        change.put("percent", percent == Math.rint(percent) ? (Number) percent.longValue() : (Number) percent);
      }
      body.put("canary", change);
    } else if (noCanary) {
      body.putNull("canary");
    }
    if (!variables.isEmpty()) {
      body.put("variables", mergedVariables(client));
    }
    Object answer = client.put(api.path() + "/stages/" + AdminClient.segment(stage), body);
    out.println("stage " + stage + " of " + api.name() + " changed:");
    print(List.of(answer instanceof JsonObject changed ? changed : new JsonObject().put("name", stage)), out);
  }

  /** The stage's variables with those of {@code --variable} set: the admin API replaces the whole map. */
  private JsonObject mergedVariables(AdminClient client) throws AdminCallException {
    JsonObject merged = list(client).stream()
        .filter(s -> stage.equals(s.getString("name")))
        .map(s -> s.getJsonObject("variables"))
        .filter(Objects::nonNull)
        .findFirst()
        .map(JsonObject::copy)
        .orElseGet(JsonObject::new);
    variables.forEach(merged::put);
    return merged;
  }

  private List<JsonObject> list(AdminClient client) throws AdminCallException {
    Object answer = client.get(api.path() + "/stages");
    if (!(answer instanceof JsonArray array)) {
      throw new AdminCallException("the gateway answered the stages with something else than a list: " + answer);
    }
    List<JsonObject> stages = new ArrayList<>();
    for (Object item : array) {
      if (item instanceof JsonObject s) {
        stages.add(s);
      }
    }
    return stages;
  }

  private static void print(List<JsonObject> stages, PrintWriter out) {
    Columns table = new Columns("STAGE", "DEPLOYMENT", "CANARY", "VARIABLES");
    for (JsonObject s : stages) {
      JsonObject canary = s.getJsonObject("canary");
      JsonObject variables = s.getJsonObject("variables", new JsonObject());
      table.row(s.getString("name", "?"),
          s.getString("deploymentId", "(current definition)"),
          canary == null ? "-" : canary.getString("deploymentId", "?") + " " + percent(canary.getValue("percent")) + "%",
          variables.isEmpty() ? "-" : variables.stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining(" ")));
    }
    table.print(out);
  }

  /** {@code 10} for 10 or 10.0, {@code 0.5} for 0.5. */
  private static String percent(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
    return value == null ? "?" : value.toString();
  }
}
