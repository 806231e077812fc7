package dev.portico.gateway.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run --watch}: calls back when the configuration file may have changed, once its directory
 * has been quiet for a moment, so that an editor's several writes make one call.
 *
 * @implNote It watches the file's directory, not the file: editors save by renaming a new file
 *     over the old one, and Kubernetes updates a mounted ConfigMap by swapping a symbolic link to
 *     a new directory; neither modifies the file that was there. When the file is a symbolic
 *     link, the directory of its target is watched too. Any change there calls back; the caller
 *     compares the content ({@link ConfigReloader#requestIfChanged}).
 */
final class ConfigFileWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portico");

  private final WatchService service;
  private final Set<Path> dirs;
  private final Duration quiet;
  private final Runnable onChange;

  private ConfigFileWatcher(WatchService service, Set<Path> dirs, Duration quiet, Runnable onChange) {
    this.service = service;
    this.dirs = dirs;
    this.quiet = quiet;
    this.onChange = onChange;
  }

  /**
   * Starts watching on a daemon thread.
   *
   * @param quiet how long the directory must see no change before {@code onChange} runs
   * @param onChange runs on the watching thread: hand long work to another
   */
  static ConfigFileWatcher start(Path file, Duration quiet, Runnable onChange) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(absolute.getParent());
    dirs.add(absolute.toRealPath().getParent());
    WatchService service = absolute.getFileSystem().newWatchService();
    try {
      for (Path dir : dirs) {
        dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
      }
    } catch (IOException e) {
      service.close();
      throw e;
    }
    ConfigFileWatcher watcher = new ConfigFileWatcher(service, dirs, quiet, onChange);
    Thread thread = new Thread(watcher::watch, "portico-config-watch");
    thread.setDaemon(true);
    thread.start();
    log.info("watching {} for changes", file);
    return watcher;
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = service.take();
        boolean watching = consume(key);
        for (WatchKey more; (more = service.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null; ) {
          watching &= consume(more);
        }
        onChange.run();
        if (!watching) {
          log.warn("stopped watching {}: a watched directory is gone; SIGHUP still reloads", dirs);
          return;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed: the gateway is stopping
    } catch (RuntimeException e) {
      log.error("stopped watching {}; SIGHUP still reloads", dirs, e);
    }
  }

  /** Takes the key's events (what they are does not matter) and re-arms it; false once it is no longer valid. */
  private static boolean consume(WatchKey key) {
    key.pollEvents();
    return key.reset();
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      log.debug("closing the configuration watch", e);
    }
  }
}
