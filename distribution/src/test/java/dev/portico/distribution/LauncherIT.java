package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/portico} itself: finding its home and its Java, passing JAVA_OPTS. */
class LauncherIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  @Test
  void launcherFindsItsHomeThroughASymlinkInAPathWithSpaces() throws IOException {
    // A copy of the distribution under a folder whose name has spaces (lib/ and plugins/
    // linked rather than copied), started through a symlink to its launcher.
    Path home = Files.createDirectories(tmp.resolve("with spaces/portico home"));
    Path dist = PorticoProcess.distribution();
    Files.createDirectories(home.resolve("bin"));
    Files.copy(dist.resolve("bin/portico"), home.resolve("bin/portico"));
    Files.createDirectories(home.resolve("conf"));
    try (var conf = Files.list(dist.resolve("conf"))) {
      for (Path file : conf.toList()) {
        Files.copy(file, home.resolve("conf").resolve(file.getFileName()));
      }
    }
    Files.createSymbolicLink(home.resolve("lib"), dist.resolve("lib"));
    Files.createSymbolicLink(home.resolve("plugins"), dist.resolve("plugins"));
    Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("some bin")).resolve("portico"),
        home.resolve("bin/portico"));

    // -XshowSettings:properties prints the system properties the launcher set, to stderr.
    PorticoProcess.Completed version = PorticoProcess.start(tmp, link,
        Map.of("JAVA_OPTS", "-XshowSettings:properties -Dportico.test=a*b"), "version").awaitExit(TIMEOUT);

    assertEquals(0, version.exitCode(), version::toString);
    assertTrue(version.stdout().contains(PorticoProcess.version()), version::toString);
    assertTrue(version.stderr().contains("portico.home = " + home.toRealPath()), version::toString);
    assertTrue(version.stderr().contains("logback.configurationFile = " + home.toRealPath().resolve("conf/logback.xml")),
        version::toString);
    assertTrue(version.stderr().contains("portico.test = a*b"), version::toString);
  }

  @Test
  void launcherRefusesAJavaHomeWithoutJava() {
    PorticoProcess.Completed refused = PorticoProcess.start(tmp, PorticoProcess.launcher(),
        Map.of("JAVA_HOME", tmp.resolve("no-java").toString()), "version").awaitExit(TIMEOUT);

    assertEquals(127, refused.exitCode(), refused::toString);
    assertTrue(refused.stderr().contains("JAVA_HOME"), refused::toString);
  }
}
