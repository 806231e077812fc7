package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.plugin.TestPluginJars;
import dev.portico.spi.PolicyKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code portico plugins}: the plugins directory is the configuration's {@code plugins.dir}, read
 * as {@code run} and {@code validate} read it, and a configuration that cannot say where it is,
 * is reported as {@code validate} reports it.
 */
class PluginsCommandTest {

  /** A variable no environment sets, so that {@code ${env:...:-default}} takes its default. */
  private static final String UNSET = "PORTICO_PLUGINS_COMMAND_TEST_UNSET";

  @TempDir
  Path dir;

  private record Outcome(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = PorticoCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Outcome(code, out.toString(), err.toString());
  }

  private Path config(String yaml) throws IOException {
    return Files.writeString(dir.resolve("portico.yaml"), yaml);
  }

  @Test
  void listsThePoliciesOfTheDirectoryThePluginsSectionNamesWithEnvSubstituted() throws IOException {
    Path plugins = dir.resolve("my-plugins");
    TestPluginJars.plugin("noop.jar").minimalFactory("com.example.Noop", "noop", PolicyKind.THROTTLER).writeTo(plugins);
    // the rest of the file is not checked: plugins is what one runs when validate names an unknown policy
    Path file = config("""
        plugins: { dir: "${env:%s:-%s}" }
        apis: [ { name: a, routes: [ { path: no-slash, policies: [ { nowhere: {} } ] } ] } ]
        """.formatted(UNSET, plugins));

    Outcome listing = run("plugins", "--config", file.toString());

    assertEquals(0, listing.exitCode(), listing::toString);
    assertTrue(listing.out().lines().anyMatch(line -> line.matches("^noop\\s+throttler\\s+noop\\.jar\\s*$")), listing::toString);
  }

  @Test
  void aFileThatIsNotYamlIsReportedAsValidateReportsItAndExits1() throws IOException {
    Path file = config("apis: [ { name: a\n");

    Outcome listing = run("plugins", "--config", file.toString());
    Outcome validate = run("validate", "--config", file.toString());

    assertEquals(1, listing.exitCode(), listing::toString);
    assertEquals("", listing.out());
    assertEquals(1, listing.errLines().size(), listing::toString);
    assertTrue(listing.errLines().get(0).startsWith("line 2, column 1: "), listing::toString);
    assertEquals(validate.errLines(), listing.errLines());
    assertEquals(1, validate.exitCode(), validate::toString);
  }

  @Test
  void aProblemInThePluginsSectionIsReportedWithItsPathAndExits1() throws IOException {
    Path file = config("plugins: { dir: \"${env:" + UNSET + "}\", jars: [a.jar] }\n");

    Outcome listing = run("plugins", "--config", file.toString());
    Outcome validate = run("validate", "--config", file.toString());

    List<String> expected = List.of(
        "plugins.dir: environment variable " + UNSET + " is not set",
        "plugins.jars: unknown key");
    assertEquals(1, listing.exitCode(), listing::toString);
    assertEquals(expected, listing.errLines());
    assertEquals(1, validate.exitCode(), validate::toString);
    assertEquals(expected, validate.errLines());
  }

  @Test
  void aMissingFileIsReportedAsValidateReportsIt() {
    Path file = dir.resolve("absent.yaml");

    Outcome listing = run("plugins", "--config", file.toString());

    assertEquals(1, listing.exitCode(), listing::toString);
    assertEquals(List.of(file + ": no such configuration file"), listing.errLines());
    assertEquals(listing.errLines(), run("validate", "--config", file.toString()).errLines());
  }
}
