package dev.portico.gateway.cli;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.LoadResult;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration file again and hands it to the running gateway: on SIGHUP, and with
 * {@code --watch} when the file changes. A file with problems is refused whole: each problem is
 * logged as an error, the running configuration stays and the gateway keeps serving it.
 *
 * <p>Reloads run one at a time, in the order asked, on one thread of their own: reading the file
 * and binding the plugins' configurations block, and a reload waits for the previous one to be
 * applied. The plugins are those loaded at start, with the same factories: a new or replaced
 * plugin jar needs a restart, which is logged as a warning.
 */
final class ConfigReloader implements AutoCloseable {

  /** How a reload ended. */
  enum Outcome {
    /** Only when asked to reload if changed: the file holds what was read last time. */
    UNCHANGED,
    /** The file has problems (or cannot be read): nothing was applied. */
    REFUSED,
    /** The gateway serves the new configuration. */
    APPLIED,
    /** The configuration was valid but the gateway could not apply it: it serves the old one. */
    FAILED
  }

  private static final Logger log = LoggerFactory.getLogger("portico");
  private static final long APPLY_TIMEOUT_SECONDS = 60;

  private final Path file;
  private final ConfigLoader loader;
  private final Path pluginsDir;
  private final Map<String, FileTime> pluginJars;
  private final Function<GatewayConfig, Future<Void>> apply;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "portico-reload");
    t.setDaemon(true);
    return t;
  });

  private String lastRead;

  /**
   * @param file the configuration file
   * @param text what was read from it at start
   * @param loader a loader with the factories of the plugins loaded at start
   * @param pluginsDir the plugins directory loaded at start
   * @param apply applies a valid configuration; completes once it serves
   */
  ConfigReloader(Path file, String text, ConfigLoader loader, Path pluginsDir,
      Function<GatewayConfig, Future<Void>> apply) {
    this.file = file;
    this.lastRead = text;
    this.loader = loader;
    this.pluginsDir = pluginsDir;
    this.pluginJars = jars(pluginsDir);
    this.apply = apply;
  }

  /** Reloads in the background, whatever the file holds ({@code reason}: SIGHUP, ...). */
  void request(String reason) {
    submit(reason, false);
  }

  /** Reloads in the background if the file's content differs from what was read last. */
  void requestIfChanged(String reason) {
    submit(reason, true);
  }

  private void submit(String reason, boolean onlyIfChanged) {
    if (!thread.isShutdown()) {
      thread.execute(() -> reload(reason, onlyIfChanged));
    }
  }

  /** Reloads now, on the calling thread. */
  synchronized Outcome reload(String reason, boolean onlyIfChanged) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      log.error("{}: cannot read the configuration: {}", file, e.getMessage() != null ? e.getMessage() : e.toString());
      return refused();
    }
    if (onlyIfChanged && text.equals(lastRead)) {
      log.debug("{}: written, but its content is the same: nothing to reload", file);
      return Outcome.UNCHANGED;
    }
    lastRead = text;
    log.info("reloading {} ({})", file, reason);
    LoadResult result = loader.parse(text, file.toAbsolutePath().normalize().getParent());
    if (!result.ok()) {
      result.problems().forEach(problem -> log.error("{}", problem));
      return refused();
    }
    warnAboutNewPluginJars();
    try {
      apply.apply(result.config()).toCompletionStage().toCompletableFuture().get(APPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      log.error("configuration not reloaded: {}; the running one stays", describe(cause));
      log.debug("reload failure", cause);
      return Outcome.FAILED;
    } catch (TimeoutException e) {
      log.error("configuration not applied within {}s; the running one stays until it is", APPLY_TIMEOUT_SECONDS);
      return Outcome.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.FAILED;
    } catch (RuntimeException e) {
      log.error("configuration not reloaded: {}; the running one stays", describe(e), e);
      return Outcome.FAILED;
    }
    log.info("configuration reloaded from {}", file);
    return Outcome.APPLIED;
  }

  private static Outcome refused() {
    log.error("configuration not reloaded: the running one stays");
    return Outcome.REFUSED;
  }

  /** The gateway warns about settings that need a restart, plugins.dir among them; jars are seen only here. */
  private void warnAboutNewPluginJars() {
    jars(pluginsDir).forEach((jar, modified) -> {
      if (!modified.equals(pluginJars.get(jar))) {
        log.warn("{} is new or replaced since start, and not loaded: a new plugin jar needs a restart",
            pluginsDir.resolve(jar));
      }
    });
  }

  /** The {@code *.jar} files of a directory, with the time each was last modified. */
  private static Map<String, FileTime> jars(Path dir) {
    Map<String, FileTime> jars = new TreeMap<>();
    if (dir == null || !Files.isDirectory(dir)) {
      return jars;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar")) {
      for (Path jar : stream) {
        jars.put(jar.getFileName().toString(), Files.getLastModifiedTime(jar));
      }
    } catch (IOException e) {
      log.debug("cannot list {}", dir, e);
    }
    return jars;
  }

  private static String describe(Throwable failure) {
    return Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
  }

  /** Stops taking reloads; one running finishes in the background. */
  @Override
  public void close() {
    thread.shutdown();
  }
}
