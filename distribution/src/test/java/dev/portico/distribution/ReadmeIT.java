package dev.portico.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portico.distribution.CheckedSamples.Block;
import dev.portico.distribution.CheckedSamples.Kind;
import dev.portico.distribution.CheckedSamples.Step;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour, run as a new user runs it: the samples README.md marks as checked (see
 * {@link CheckedSamples} for the markers and what is masked) are run, in order, with bash in a
 * folder that looks like the distribution's, against one gateway started from the distribution
 * on its default configuration (the demo), and what they print must be what the README shows.
 *
 * <p>The ports are free ones instead of 8080 and 9876: the commands are rewritten accordingly.
 * Samples that are not marked are not checked: the 429 of the usage plan (it depends on how
 * fast the requests follow one another), the backend of your own (it needs Python and port
 * 9000), two nodes, and Operating Portico (its deployment ids and times are new on every run).
 * Log samples are checked after the gateway has stopped, without their time and thread.
 */
class ReadmeIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String MARK = "@@portico-readme-step@@";
  /** Nothing may answer there: the README's 502 sample is the demo's proxy route without its backend. */
  private static final int DEMO_BACKEND_PORT = 9000;

  @TempDir Path tmp;

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  @Test
  void theReadmeSamplesAreWhatTheGatewayPrints() throws IOException {
    assertTrue(onPath("curl"), "curl is not installed: the README's samples are curl commands; install curl to run ReadmeIT");
    assertTrue(onPath("bash"), "bash is not installed: ReadmeIT runs the README's commands with bash");
    assertNothingListensOn(DEMO_BACKEND_PORT);
    Path readme = Path.of(System.getProperty("portico.readme", "../README.md"));
    List<Block> blocks = CheckedSamples.blocks(Files.readAllLines(readme, UTF_8));
    assertTrue(blocks.stream().anyMatch(block -> block.kind() == Kind.COMMANDS), "no checked sample in " + readme);

    Path home = distributionLookalike();
    int port = PorticoProcess.freePort();
    int adminPort = PorticoProcess.freePort();
    Map<String, String> env = environment(port);
    PorticoProcess gateway = PorticoProcess.start(home, PorticoProcess.launcher(), env,
        "--admin-port", String.valueOf(adminPort), "--data-dir", tmp.resolve("data").toString());
    gateway.awaitHttpOk(URI.create("http://127.0.0.1:" + adminPort + "/ready"), TIMEOUT);

    List<String> failures = new ArrayList<>();
    for (Block block : blocks) {
      switch (block.kind()) {
        case FILE -> Files.write(home.resolve(block.fileName()), block.lines(), UTF_8);
        case COMMANDS -> failures.addAll(run(CheckedSamples.steps(block), home, env, port, adminPort));
        case LOG -> { } // after the gateway has stopped, below
      }
    }
    assertEquals(0, gateway.stop(TIMEOUT), "the gateway did not exit 0 on SIGTERM");

    List<String> logged = Stream.concat(gateway.stdout().lines(), gateway.stderr().lines()).toList();
    List<String> logFailures = new ArrayList<>();
    for (Block block : blocks) {
      if (block.kind() != Kind.LOG) {
        continue;
      }
      for (int i = 0; i < block.lines().size(); i++) {
        List<String> problems = CheckedSamples.logDifferences(block.lines().get(i), logged);
        if (!problems.isEmpty()) {
          logFailures.add("README.md:" + (block.line() + 1 + i) + ": " + block.lines().get(i)
              + "\n  " + String.join("\n  ", problems));
        }
      }
    }
    if (!logFailures.isEmpty()) {
      failures.addAll(logFailures);
      failures.add("--- the gateway logged:\n" + String.join("\n", logged).indent(4));
    }
    if (!failures.isEmpty()) {
      fail("README samples differ from what the gateway prints:\n\n" + String.join("\n\n", failures));
    }
  }

  /**
   * Runs a block's commands in one bash, so that a variable one sets ({@code TOKEN=...}) is
   * there for the next, and compares each one's output with the sample's.
   */
  private List<String> run(List<Step> steps, Path home, Map<String, String> env, int port, int adminPort)
      throws IOException {
    // Standard error goes with standard output, as on a terminal. curl is told to be silent but
    // show errors: on a terminal it prints no progress meter, into a pipe it would.
    StringBuilder script = new StringBuilder("exec 2>&1\ncurl() { command curl -sS \"$@\"; }\n");
    for (int i = 0; i < steps.size(); i++) {
      script.append("printf '\\n%s\\n' '").append(MARK).append(i).append("'\n")
          .append(withPorts(steps.get(i).command(), port, adminPort)).append('\n');
    }
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script.toString()).directory(home.toFile())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("commands.log").toFile());
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    Process bash = builder.start();
    try {
      if (!bash.waitFor(TIMEOUT.toSeconds() * steps.size(), TimeUnit.SECONDS)) {
        bash.descendants().forEach(ProcessHandle::destroyForcibly);
        bash.destroyForcibly();
        fail("the commands from README.md:" + steps.get(0).line() + " did not end within " + TIMEOUT + " each");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    List<List<String>> outputs = outputs(Files.readString(tmp.resolve("commands.log"), UTF_8), steps.size());
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      List<String> problems = CheckedSamples.differences(step.expected(), outputs.get(i));
      if (!problems.isEmpty()) {
        failures.add(report(step.line(), "$ " + step.command(), problems, String.join("\n", outputs.get(i))));
      }
    }
    return failures;
  }

  /** Each command's output, cut at the marks printed before each, without carriage returns. */
  private static List<List<String>> outputs(String printed, int count) {
    List<List<String>> outputs = new ArrayList<>();
    List<String> current = null;
    for (String line : printed.replace("\r", "").split("\n", -1)) {
      if (line.startsWith(MARK)) {
        if (current != null) {
          outputs.add(CheckedSamples.withoutTrailingBlanks(current));
        }
        current = new ArrayList<>();
      } else if (current != null) {
        current.add(line);
      }
    }
    if (current != null) {
      outputs.add(CheckedSamples.withoutTrailingBlanks(current));
    }
    while (outputs.size() < count) {
      outputs.add(List.of());
    }
    return outputs;
  }

  private static String report(int line, String sample, List<String> problems, String printed) {
    return "README.md:" + line + ": " + sample + "\n  " + String.join("\n  ", problems)
        + "\n  --- the gateway printed:\n" + printed.indent(4);
  }

  /** The README's commands with the ports this test's gateway listens on instead of 8080 and 9876. */
  private static String withPorts(String command, int port, int adminPort) {
    return command.replace("localhost:8080", "localhost:" + port).replace("127.0.0.1:8080", "127.0.0.1:" + port)
        .replace("localhost:9876", "localhost:" + adminPort).replace("127.0.0.1:9876", "127.0.0.1:" + adminPort);
  }

  /**
   * The environment of a fresh shell: the demo's own secrets and token (no {@code PORTICO_*}),
   * no proxy between curl and the gateway. {@code PORTICO_PORT} moves the demo to the free port,
   * its self-calling route included.
   */
  private static Map<String, String> environment(int port) {
    Map<String, String> env = new HashMap<>();
    System.getenv().keySet().stream().filter(ReadmeIT::isUnwanted).forEach(name -> env.put(name, null));
    env.put("PORTICO_PORT", String.valueOf(port));
    env.put("JAVA_OPTS", PorticoProcess.TEST_JAVA_OPTS);
    return env;
  }

  private static boolean isUnwanted(String name) {
    return name.startsWith("PORTICO_") || name.toLowerCase().endsWith("_proxy");
  }

  /**
   * A folder that looks like the distribution's, where the README's commands run: its entries
   * link to the distribution's, so the files a sample writes (broken.yaml) stay out of it.
   */
  private Path distributionLookalike() throws IOException {
    Path home = Files.createDirectories(tmp.resolve("portico"));
    try (Stream<Path> entries = Files.list(PorticoProcess.distribution())) {
      for (Path entry : entries.filter(entry -> !entry.getFileName().toString().equals("data")).toList()) {
        Files.createSymbolicLink(home.resolve(entry.getFileName()), entry);
      }
    }
    return home;
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }

  private static void assertNothingListensOn(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      fail("something listens on 127.0.0.1:" + port + ": the README's 502 sample needs nothing there; stop it");
    } catch (IOException nothingThere) {
      // as the demo's proxy route expects
    }
  }
}
