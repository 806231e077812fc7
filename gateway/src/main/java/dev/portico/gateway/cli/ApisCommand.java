package dev.portico.gateway.cli;

import dev.portico.gateway.config.DefinitionFile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portico apis}: the APIs of a running gateway, and their definitions, without curl.
 *
 * <pre>
 * bin/portico apis                              # list: name, base path, stages, who owns it
 * bin/portico apis get shop > shop.yaml         # the definition as YAML, secrets as "***"
 * bin/portico apis put shop --file shop.yaml    # replace or create it (YAML or JSON)
 * bin/portico apis delete shop
 * </pre>
 *
 * What {@code get} prints, {@code put} takes back as it is: a secret left as {@code "***"} keeps
 * its value.
 */
@Command(name = "apis", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
    description = "List the APIs of a running gateway; get, put or delete one's definition.",
    subcommands = {ApisCommand.ListApis.class, ApisCommand.Get.class, ApisCommand.Put.class, ApisCommand.Delete.class})
final class ApisCommand extends AdminCommand {

  @Override
  void run(AdminClient client, PrintWriter out) throws AdminCallException {
    list(client, out);
  }

  static void list(AdminClient client, PrintWriter out) throws AdminCallException {
    if (!(client.get("/apis") instanceof JsonArray apis)) {
      throw new AdminCallException("the gateway answered the APIs with something else than a list");
    }
    if (apis.isEmpty()) {
      out.println("no APIs: bin/portico apis put NAME --file FILE creates one");
      return;
    }
    Columns table = new Columns("NAME", "BASE PATH", "STAGES", "MANAGED BY");
    for (Object item : apis) {
      JsonObject api = item instanceof JsonObject o ? o : new JsonObject();
      String name = api.getString("name", "?");
      table.row(name, api.getString("basePath", "(does not load: see the log)"), stageNames(client, name),
          api.getString("managedBy", "?"));
    }
    table.print(out);
  }

  /** The stages the gateway has for the API: those of its definition and those made by the admin API. */
  private static String stageNames(AdminClient client, String api) throws AdminCallException {
    if (!(client.get(apiPath(api) + "/stages") instanceof JsonArray stages) || stages.isEmpty()) {
      return "-";
    }
    return stages.stream()
        .map(s -> s instanceof JsonObject o ? o.getString("name", "?") : "?")
        .collect(Collectors.joining(" "));
  }

  /** A command about one API, named by its first parameter. */
  abstract static class OneApi extends AdminCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "The API's name")
    String name;

    @Override
    void checkOptions() {
      if (name.isBlank()) {
        throw usage("NAME: must not be empty");
      }
    }

    String path() {
      return apiPath(name);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
      description = "List the APIs: name, base path, stages, and whether the file or the admin API owns each.")
  static final class ListApis extends AdminCommand {
    @Override
    void run(AdminClient client, PrintWriter out) throws AdminCallException {
      list(client, out);
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
      description = {"Print an API's definition as YAML, secrets shown as \"***\".",
          "apis put takes it back as it is (a \"***\" keeps the secret's value)."})
  static final class Get extends OneApi {
    @Override
    void run(AdminClient client, PrintWriter out) throws AdminCallException {
      if (!(client.get(path()) instanceof JsonObject definition)) {
        throw new AdminCallException("the gateway answered " + name + " with something else than a definition");
      }
      out.print(DefinitionFile.yaml(definition));
    }
  }

  @Command(name = "put", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
      description = {"Replace an API's definition, or create the API, from a YAML or JSON file.",
          "The file holds what one item of apis: in portico.yaml holds (name may be left out).",
          "An invalid definition is refused whole, every problem on a line of its own."})
  static final class Put extends OneApi {

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The definition, YAML or JSON")
    Path file;

    @Override
    void run(AdminClient client, PrintWriter out) throws AdminCallException {
      List<String> problems = new ArrayList<>();
      JsonObject definition = DefinitionFile.read(file, problems);
      if (definition == null) {
        throw new AdminCallException(String.join(System.lineSeparator(), problems));
      }
      Object answer = client.put(path(), definition);
      JsonObject saved = answer instanceof JsonObject o ? o : new JsonObject();
      JsonArray routes = saved.getJsonArray("routes", new JsonArray());
      out.println(name + " saved: " + saved.getString("basePath", "?") + ", " + routes.size()
          + (routes.size() == 1 ? " route" : " routes") + ", served now");
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
      description = "Delete an API: it stops being served, on every node, and stays deleted after a restart.")
  static final class Delete extends OneApi {
    @Override
    void run(AdminClient client, PrintWriter out) throws AdminCallException {
      client.delete(path());
      out.println(name + " deleted");
    }
  }
}
