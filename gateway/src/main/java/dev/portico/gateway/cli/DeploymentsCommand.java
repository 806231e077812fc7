package dev.portico.gateway.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code portico deployments --api NAME}: an API's deployments, newest first; the ids a stage can
 * be pointed at, a rollback being one to an older one.
 */
@Command(name = "deployments", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
    description = "List an API's deployments on a running gateway, newest first.")
final class DeploymentsCommand extends AdminCommand {

  @Mixin
  ApiOption api;

  /** Enough of a hash to tell two definitions apart by eye. */
  private static final int SHORT_HASH = 12;

  @Override
  void run(AdminClient client, PrintWriter out) throws AdminCallException {
    Object answer = client.get(api.path() + "/deployments");
    if (!(answer instanceof JsonArray deployments)) {
      throw new AdminCallException("the gateway answered the deployments with something else than a list: " + answer);
    }
    if (deployments.isEmpty()) {
      out.println(api.name() + " has no deployments yet: bin/portico deploy --api " + api.name());
      return;
    }
    Columns table = new Columns("ID", "CREATED", "HASH", "DESCRIPTION");
    for (Object item : deployments) {
      JsonObject d = item instanceof JsonObject o ? o : new JsonObject();
      table.row(d.getString("id", "?"), d.getString("createdAt", "?"), shortHash(d.getString("hash")),
          d.getString("description", ""));
    }
    table.print(out);
  }

  static String shortHash(String hash) {
    if (hash == null || hash.isEmpty()) {
      return "-";
    }
    return hash.length() <= SHORT_HASH ? hash : hash.substring(0, SHORT_HASH);
  }
}
