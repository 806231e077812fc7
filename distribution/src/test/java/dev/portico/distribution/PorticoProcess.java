package dev.portico.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portico.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One run of the assembled distribution's launcher, {@code target/portico/bin/portico}, as
 * an operator would start it: a separate process, its stdout and stderr captured to files.
 *
 * <pre>{@code
 * PorticoProcess gateway = PorticoProcess.start(tmp, "run", "--port", port, ...);
 * gateway.awaitHttpOk(URI.create("http://127.0.0.1:" + port + "/demo/hello"), Duration.ofSeconds(30));
 * ...
 * assertEquals(0, gateway.stop(Duration.ofSeconds(30)));   // SIGTERM, then wait for the exit
 * }</pre>
 *
 * Every process started here is remembered until it exits; tests call {@link #killLeftovers()}
 * in {@code @AfterEach}, so a failed assertion never leaves a gateway holding a port.
 */
final class PorticoProcess {

  /** JVM options for the processes under test: small and quick to start, on a shared machine. */
  static final String TEST_JAVA_OPTS = "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Set<PorticoProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    // Last resort when the test JVM itself is stopped before @AfterEach could run.
    Runtime.getRuntime().addShutdownHook(new Thread(PorticoProcess::killLeftovers));
  }

  private final Process process;
  private final List<String> command;
  private final Path stdout;
  private final Path stderr;

  private PorticoProcess(Process process, List<String> command, Path stdout, Path stderr) {
    this.process = process;
    this.command = command;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The unpacked distribution, {@code distribution/target/portico}. */
  static Path distribution() {
    String dir = System.getProperty("portico.distribution", "target/portico");
    return Path.of(dir).toAbsolutePath();
  }

  /** The project version the distribution was built as. */
  static String version() {
    String version = System.getProperty("portico.version");
    if (version == null) {
      throw new IllegalStateException("system property portico.version is not set; run the tests through Maven (failsafe)");
    }
    return version;
  }

  /** The launcher, {@code bin/portico}. */
  static Path launcher() {
    return distribution().resolve("bin/portico");
  }

  /** A TCP port that was free a moment ago, never handed out twice. */
  static int freePort() {
    return TestGateway.freePort();
  }

  /**
   * Starts the distribution's launcher with {@code args}, in {@code dir} as the working
   * directory, where {@code stdout.log} and {@code stderr.log} receive its output.
   */
  static PorticoProcess start(Path dir, String... args) {
    return start(dir, launcher(), Map.of(), args);
  }

  /**
   * Starts {@code launcher} with {@code args} in {@code dir}; {@code env} is added to the
   * inherited environment, a {@code null} value removes a variable. {@code JAVA_OPTS} is
   * {@link #TEST_JAVA_OPTS} unless {@code env} says otherwise.
   */
  static PorticoProcess start(Path dir, Path launcher, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(List.of(args));
    Path stdout = dir.resolve("stdout.log");
    Path stderr = dir.resolve("stderr.log");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    Map<String, String> environment = builder.environment();
    Map<String, String> overrides = new HashMap<>();
    overrides.put("JAVA_OPTS", TEST_JAVA_OPTS);
    overrides.putAll(env);
    overrides.forEach((name, value) -> {
      if (value == null) {
        environment.remove(name);
      } else {
        environment.put(name, value);
      }
    });
    try {
      PorticoProcess started = new PorticoProcess(builder.start(), command, stdout, stderr);
      LIVE.add(started);
      started.process.onExit().thenRun(() -> LIVE.remove(started));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Runs a command that ends by itself (version, validate, ...) and returns how it ended. */
  static Completed run(Path dir, Duration timeout, String... args) {
    return start(dir, args).awaitExit(timeout);
  }

  /** What a finished command left: its exit code and everything it printed. */
  record Completed(int exitCode, String stdout, String stderr) {
    /** stdout and stderr together, one line per element. */
    List<String> lines() {
      List<String> lines = new ArrayList<>(stdout.lines().toList());
      lines.addAll(stderr.lines().toList());
      return lines;
    }

    @Override
    public String toString() {
      return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    }
  }

  /** Waits for the process to end by itself; kills it and fails after {@code timeout}. */
  Completed awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new AssertionError("still running after " + timeout + ", killed: " + describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + command, e);
    }
    return new Completed(process.exitValue(), stdout(), stderr());
  }

  /**
   * Polls {@code uri} until it answers 200, or fails after {@code timeout}; fails at once if
   * the process exits meanwhile.
   */
  void awaitHttpOk(URI uri, Duration timeout) {
    awaitCondition("GET " + uri + " to answer 200", timeout, () -> statusOf(uri) == 200);
  }

  /** Polls the captured stdout and stderr until one contains {@code text}, or fails after {@code timeout}. */
  void awaitOutput(String text, Duration timeout) {
    awaitCondition("output containing \"" + text + "\"", timeout,
        () -> stdout().contains(text) || stderr().contains(text));
  }

  /**
   * Checks {@code condition} every 100 ms until it holds; fails after {@code timeout}, or as
   * soon as the process exits.
   */
  void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("no " + what + " within " + timeout + ": " + describe());
      }
      try {
        // Waiting for the exit is the pause between two polls: it returns early, and then
        // fails the wait, if the process dies instead of getting ready.
        process.onExit().get(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError("exited while waiting for " + what + ": " + describe());
      } catch (TimeoutException stillRunning) {
        // poll again
      } catch (ExecutionException e) {
        throw new AssertionError(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /** The status of {@code GET uri}, or -1 when nothing answers (refused, reset, timed out). */
  static int statusOf(URI uri) {
    try {
      return get(uri).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** {@code GET uri} with a bounded wait, the body as text. */
  static HttpResponse<String> get(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The client the harness uses, for requests a test wants to shape itself. */
  static HttpClient http() {
    return HTTP;
  }

  /**
   * Sends SIGTERM (what {@link Process#destroy()} does on Linux) and waits for the exit;
   * returns the exit code. Kills the process and fails if it is still running after
   * {@code timeout}.
   */
  int stop(Duration timeout) {
    sendSigterm();
    return awaitExit(timeout).exitCode();
  }

  /** Sends SIGTERM ({@link Process#destroy()} on Linux) and returns at once. */
  void sendSigterm() {
    process.destroy();
  }

  /** Sends a signal by name ({@code HUP}, {@code INT}, ...) with {@code kill} and returns at once. */
  void sendSignal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed: "
            + new String(kill.getInputStream().readAllBytes(), UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while sending SIG" + name, e);
    }
  }

  /** Kills the process and whatever it started, at once (SIGKILL). */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills every process started here that is still running; for {@code @AfterEach}. */
  static void killLeftovers() {
    for (PorticoProcess leftover : List.copyOf(LIVE)) {
      leftover.kill();
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Everything written to stdout so far. */
  String stdout() {
    return read(stdout);
  }

  /** Everything written to stderr so far. */
  String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String describe() {
    String state = process.isAlive() ? "running" : "exit code " + process.exitValue();
    return String.join(" ", command) + " (" + state + ")"
        + "\n--- stdout (" + stdout + "):\n" + tail(stdout())
        + "\n--- stderr (" + stderr + "):\n" + tail(stderr());
  }

  private static String tail(String text) {
    int max = 8_000;
    return text.length() <= max ? text : "..." + text.substring(text.length() - max);
  }
}
