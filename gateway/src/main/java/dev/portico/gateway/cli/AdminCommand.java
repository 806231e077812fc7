package dev.portico.gateway.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the admin API of a running gateway: {@code --admin URL} (default
 * {@code $PORTICO_ADMIN_URL}, else {@value AdminClient#DEFAULT_URL}) and the token from
 * {@code $PORTICO_ADMIN_TOKEN}, never from an option, which {@code ps} would show to every user.
 * Exit codes: 0 done; 1 the gateway refused the call or could not be reached, with one line on
 * standard error; 2 usage error.
 */
abstract class AdminCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--admin", paramLabel = "URL",
      description = "The gateway's admin API (default: $" + AdminClient.URL_VARIABLE + ", else " + AdminClient.DEFAULT_URL + ")")
  String admin;

  @Override
  public final Integer call() {
    // the root, not the parent: "apis get" is a command of "apis"
    Map<String, String> env = ((PorticoCli) spec.root().userObject()).env();
    checkOptions();
    URI url = adminUrl(env);
    String token = env.get(AdminClient.TOKEN_VARIABLE);
    if (token != null && token.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return fail(AdminClient.TOKEN_VARIABLE + ": holds a control character (a line break?), which no HTTP header can carry");
    }
    AdminClient client = new AdminClient(url, token);
    PrintWriter out = spec.commandLine().getOut();
    try {
      run(client, out);
      out.flush();
      return 0;
    } catch (AdminCallException e) {
      out.flush();
      return fail(e.getMessage());
    }
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(message);
    err.flush();
    return 1;
  }

  /** Refuses combinations of options that make no sense, with a {@link ParameterException} (exit 2). */
  void checkOptions() {}

  abstract void run(AdminClient client, PrintWriter out) throws AdminCallException;

  /** {@code /apis/<name>}, encoded. */
  static String apiPath(String name) {
    return "/apis/" + AdminClient.segment(name);
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private URI adminUrl(Map<String, String> env) {
    String url = admin;
    String from = "--admin";
    if (url == null) {
      url = env.getOrDefault(AdminClient.URL_VARIABLE, "");
      from = AdminClient.URL_VARIABLE;
    }
    if (url.isBlank()) {
      return URI.create(AdminClient.DEFAULT_URL);
    }
    try {
      URI uri = new URI(url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getQuery() == null && uri.getFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw usage(from + ": must be a URL such as " + AdminClient.DEFAULT_URL + " (was '" + url + "')");
  }
}
