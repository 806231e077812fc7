package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.gateway.cli.ConfigReloader.Outcome;
import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a reload (SIGHUP, {@code --watch}) does with the file it reads again: a valid one is handed
 * to the gateway, one with problems is refused with every problem logged, identical content is
 * left alone when only changes count.
 */
class ConfigReloaderTest {

  private static final String V1 = """
      apis:
        - name: demo
          basePath: /v1
          routes:
            - path: /hello
              integration: { type: mock, status: 200, body: { v: 1 } }
      """;
  private static final String V2 = V1.replace("/v1", "/v2");
  private static final String BROKEN = """
      server:
        port: -1
      apis:
        - name: demo
          basePath: /v2
          routes:
            - methods: [GET]
              integration: { type: mock }
      """;

  @TempDir Path home;

  private Path file;
  private final List<GatewayConfig> applied = new ArrayList<>();
  private Function<GatewayConfig, Future<Void>> gateway = config -> {
    applied.add(config);
    return Future.succeededFuture();
  };
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger portico = (Logger) LoggerFactory.getLogger("portico");

  @BeforeEach
  void setUp() throws IOException {
    file = Files.writeString(home.resolve("portico.yaml"), V1);
    log.start();
    portico.addAppender(log);
  }

  @AfterEach
  void tearDown() {
    portico.detachAppender(log);
  }

  private ConfigReloader reloader() {
    return new ConfigReloader(file, V1, new ConfigLoader(Map.of(), Map.of()), home.resolve("plugins"),
        config -> gateway.apply(config));
  }

  private List<String> logged(Level level) {
    return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aValidFileIsHandedToTheGateway() throws IOException {
    ConfigReloader reloader = reloader();
    Files.writeString(file, V2);

    assertEquals(Outcome.APPLIED, reloader.reload("SIGHUP", false));

    assertEquals(1, applied.size());
    assertEquals("/v2", applied.get(0).apis().get(0).basePath());
    assertTrue(logged(Level.INFO).contains("configuration reloaded from " + file), log.list::toString);
  }

  @Test
  void aFileWithProblemsIsRefusedWithOneErrorPerProblemAndNothingApplied() throws IOException {
    ConfigReloader reloader = reloader();
    Files.writeString(file, BROKEN);

    assertEquals(Outcome.REFUSED, reloader.reload("SIGHUP", false));

    assertEquals(List.of(), applied);
    List<String> errors = logged(Level.ERROR);
    assertTrue(errors.stream().anyMatch(line -> line.startsWith("server.port:")), errors::toString);
    assertTrue(errors.stream().anyMatch(line -> line.startsWith("apis[0].routes[0].path")), errors::toString);
    assertEquals("configuration not reloaded: the running one stays", errors.get(errors.size() - 1));
  }

  @Test
  void identicalContentIsNotReloadedWhenOnlyChangesCountButSighupReloadsAnyway() throws IOException {
    ConfigReloader reloader = reloader();
    Files.writeString(file, V1);

    assertEquals(Outcome.UNCHANGED, reloader.reload("changed on disk", true));
    assertEquals(List.of(), applied);

    assertEquals(Outcome.APPLIED, reloader.reload("SIGHUP", false));
    assertEquals(1, applied.size());
  }

  @Test
  void aBrokenFileFixedBackToWhatRunsIsAChange() throws IOException {
    ConfigReloader reloader = reloader();
    Files.writeString(file, BROKEN);
    assertEquals(Outcome.REFUSED, reloader.reload("changed on disk", true));

    Files.writeString(file, V1);

    assertEquals(Outcome.APPLIED, reloader.reload("changed on disk", true));
  }

  @Test
  void aGatewayThatCannotApplyItIsLoggedAndLaterReloadsStillWork() throws IOException {
    ConfigReloader reloader = reloader();
    gateway = config -> Future.failedFuture(new IllegalStateException("reload is not implemented yet"));
    Files.writeString(file, V2);

    assertEquals(Outcome.FAILED, reloader.reload("SIGHUP", false));
    assertTrue(logged(Level.ERROR).contains("configuration not reloaded: reload is not implemented yet; the running one stays"),
        log.list::toString);

    gateway = config -> Future.succeededFuture();
    assertEquals(Outcome.APPLIED, reloader.reload("SIGHUP", false));
  }

  @Test
  void anUnreadableFileIsRefused() throws IOException {
    ConfigReloader reloader = reloader();
    Files.delete(file);

    assertEquals(Outcome.REFUSED, reloader.reload("SIGHUP", false));

    List<String> errors = logged(Level.ERROR);
    assertTrue(errors.get(0).startsWith(file + ": cannot read the configuration"), errors::toString);
    assertEquals(List.of(), applied);
  }

  @Test
  void aPluginJarNewOrReplacedSinceStartIsReportedAsNeedingARestart() throws IOException {
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    Path kept = Files.writeString(plugins.resolve("kept.jar"), "a jar");
    Path replaced = Files.writeString(plugins.resolve("replaced.jar"), "a jar");
    ConfigReloader reloader = reloader();
    Files.writeString(plugins.resolve("new.jar"), "a jar");
    Files.setLastModifiedTime(replaced, FileTime.from(Instant.now().plusSeconds(60)));

    assertEquals(Outcome.APPLIED, reloader.reload("SIGHUP", false));

    List<String> warnings = logged(Level.WARN);
    assertEquals(2, warnings.size(), warnings::toString);
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith(plugins.resolve("new.jar") + " is new or replaced")), warnings::toString);
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith(replaced + " is new or replaced")), warnings::toString);
    assertTrue(warnings.stream().allMatch(w -> w.endsWith("a new plugin jar needs a restart")), warnings::toString);
    assertTrue(warnings.stream().noneMatch(w -> w.contains(kept.toString())), warnings::toString);
  }
}
