package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that end by themselves: {@code version} and {@code validate}. */
class CommandLineIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  @Test
  void versionPrintsTheVersion() {
    PorticoProcess.Completed version = PorticoProcess.run(tmp, TIMEOUT, "version");

    assertEquals(0, version.exitCode(), version::toString);
    assertTrue(version.stdout().contains(PorticoProcess.version()), version::toString);
  }

  @Test
  void validateAcceptsTheDefaultConfiguration() {
    // No --config: the distribution's conf/portico.yaml, found from another working directory.
    PorticoProcess.Completed validate = PorticoProcess.run(tmp, TIMEOUT, "validate");

    assertEquals(0, validate.exitCode(), validate::toString);
  }

  @Test
  void validateRejectsABadConfigurationWithOneLinePerProblemAndExit1() throws IOException {
    Path config = Files.writeString(tmp.resolve("bad.yaml"), """
        server:
          port: -1
        apis:
          - name: demo
            basePath: /demo
            routes:
              - methods: [GET]
                integration: { type: mock, status: 200, body: { ok: true } }
        """);

    PorticoProcess.Completed validate = PorticoProcess.run(tmp, TIMEOUT, "validate", "--config", config.toString());

    assertEquals(1, validate.exitCode(), validate::toString);
    assertTrue(validate.lines().stream().anyMatch(line -> line.strip().startsWith("server.port:")),
        () -> "no line starting with server.port: in\n" + validate);
    assertTrue(validate.lines().stream().anyMatch(line -> line.contains("apis[0].routes[0].path")),
        () -> "no line naming apis[0].routes[0].path in\n" + validate);
  }

  @Test
  void validateNamesABadThrottlerValueByItsPath() throws IOException {
    Path config = Files.writeString(tmp.resolve("throttled.yaml"), """
        apis:
          - name: demo
            routes:
              - path: /a
                integration: { type: mock }
              - path: /b
                integration: { type: mock }
              - path: /c
                integration: { type: mock }
                policies:
                  - rate-limit: { rate: 0, burst: 10 }
                  - quota: { limit: 100, period: FORTNIGHT }
        """);

    PorticoProcess.Completed validate = PorticoProcess.run(tmp, TIMEOUT, "validate", "--config", config.toString());

    assertEquals(1, validate.exitCode(), validate::toString);
    assertTrue(validate.lines().stream().map(String::strip)
            .anyMatch(line -> line.equals("apis[0].routes[2].policies[0].rate-limit.rate: must be a positive number (was '0')")),
        validate::toString);
    assertTrue(validate.lines().stream().map(String::strip)
            .anyMatch(line -> line.startsWith("apis[0].routes[2].policies[1].quota.period: ")),
        validate::toString);
  }

  @Test
  void runRefusesACounterStoreThisVersionDoesNotHave() throws IOException {
    Path config = Files.writeString(tmp.resolve("hazelcast.yaml"), """
        counters: { store: hazelcast }
        apis:
          - name: demo
            routes:
              - path: /a
                integration: { type: mock }
        """);

    PorticoProcess.Completed run = PorticoProcess.run(tmp, TIMEOUT, "run", "--config", config.toString(),
        "--port", String.valueOf(PorticoProcess.freePort()), "--admin-port", String.valueOf(PorticoProcess.freePort()),
        "--data-dir", tmp.resolve("data").toString());

    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("counters.store: 'hazelcast' needs the gateway to join the cluster"), run::toString);
  }

  @Test
  void validateWithAnUnknownOptionExits2() {
    PorticoProcess.Completed validate = PorticoProcess.run(tmp, TIMEOUT, "validate", "--no-such-option");

    assertEquals(2, validate.exitCode(), validate::toString);
  }
}
