package dev.portico.gateway.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run --watch}: calls back when the configuration file may have changed, once the changes
 * have stopped for a moment, so that an editor's several writes make one call.
 *
 * @implNote It watches the file's directory, not the file: editors save by renaming a new file
 *     over the old one, and Kubernetes updates a mounted ConfigMap by swapping a symbolic link
 *     ({@code ..data}) to a new directory; neither modifies the file that was there. When the file
 *     is a symbolic link, the directory of its target is watched too. Only events that name the
 *     file (or its target), Kubernetes' {@code ..} entries or a lost event count: the directory may
 *     hold busy files (a log), which must neither call back nor keep postponing the call. The
 *     caller compares the content ({@link ConfigReloader#requestIfChanged}).
 */
final class ConfigFileWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("portico");

  /** However often the file keeps changing, it is read at least this often. */
  private static final long MAX_DELAY_NANOS = Duration.ofSeconds(2).toNanos();

  private final WatchService service;
  private final Set<Path> dirs;
  private final Set<Path> names;
  private final long quietNanos;
  private final Runnable onChange;
  private int validKeys;

  private ConfigFileWatcher(WatchService service, Set<Path> dirs, Set<Path> names, Duration quiet, Runnable onChange) {
    this.service = service;
    this.dirs = dirs;
    this.names = names;
    this.quietNanos = quiet.toNanos();
    this.onChange = onChange;
    this.validKeys = dirs.size();
  }

  /**
   * Starts watching on a daemon thread.
   *
   * @param quiet how long the directory must see no change before {@code onChange} runs
   * @param onChange runs on the watching thread: hand long work to another
   */
  static ConfigFileWatcher start(Path file, Duration quiet, Runnable onChange) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    Path real = absolute.toRealPath();
    Set<Path> dirs = new LinkedHashSet<>(List.of(absolute.getParent(), real.getParent()));
    Set<Path> names = new HashSet<>(List.of(absolute.getFileName(), real.getFileName()));
    WatchService service = absolute.getFileSystem().newWatchService();
    try {
      for (Path dir : dirs) {
        dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
      }
    } catch (IOException e) {
      service.close();
      throw e;
    }
    ConfigFileWatcher watcher = new ConfigFileWatcher(service, dirs, names, quiet, onChange);
    Thread thread = new Thread(watcher::watch, "portico-config-watch");
    thread.setDaemon(true);
    thread.start();
    log.info("watching {} for changes", file);
    return watcher;
  }

  private void watch() {
    try {
      while (true) {
        if (!consume(service.take())) {
          continue;
        }
        // the file changed: wait until it has not for `quiet`, or at most MAX_DELAY in all
        long first = System.nanoTime();
        long last = first;
        for (long wait = quietNanos; wait > 0;
            wait = Math.min(last + quietNanos, first + MAX_DELAY_NANOS) - System.nanoTime()) {
          WatchKey more = service.poll(wait, TimeUnit.NANOSECONDS);
          if (more != null && consume(more)) {
            last = System.nanoTime();
          }
        }
        onChange.run();
        if (validKeys == 0) {
          log.warn("stopped watching {}: the directory is gone; SIGHUP still reloads", dirs);
          return;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // closed: the gateway is stopping
    } catch (RuntimeException e) {
      log.error("stopped watching {}; SIGHUP still reloads", dirs, e);
    }
  }

  /** Takes the key's events and re-arms it; true if one of them may concern the file. */
  private boolean consume(WatchKey key) {
    boolean concerned = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      concerned |= event.kind() == OVERFLOW
          || event.context() instanceof Path name && (names.contains(name) || name.toString().startsWith(".."));
    }
    if (!key.reset()) {
      validKeys--;
      concerned = true; // a watched directory is gone: the file may be somewhere new
    }
    return concerned;
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
