package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --watch}: the watcher calls back when the file is written or replaced. */
class ConfigFileWatcherTest {

  private static final Duration QUIET = Duration.ofMillis(50);
  private static final long BOUND_SECONDS = 20;

  @TempDir Path dir;

  private Path file;
  private final BlockingQueue<String> calls = new LinkedBlockingQueue<>();
  private ConfigFileWatcher watcher;

  @BeforeEach
  void start() throws IOException {
    file = Files.writeString(dir.resolve("portico.yaml"), "apis: []\n");
    watcher = ConfigFileWatcher.start(file, QUIET, () -> calls.add("changed"));
  }

  @AfterEach
  void stop() {
    watcher.close();
  }

  @Test
  void callsBackWhenTheFileIsWritten() throws Exception {
    Files.writeString(file, "apis: [] # edited\n");

    assertNotNull(calls.poll(BOUND_SECONDS, TimeUnit.SECONDS), "no call after a write");
  }

  @Test
  void callsBackWhenAnEditorRenamesANewFileOverIt() throws Exception {
    Path saved = Files.writeString(dir.resolve(".portico.yaml.tmp"), "apis: [] # saved\n");

    Files.move(saved, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    assertNotNull(calls.poll(BOUND_SECONDS, TimeUnit.SECONDS), "no call after a rename over the file");
  }

  @Test
  void aBusyFileInTheSameFolderNeitherCallsBackNorPostponesTheCall() throws Exception {
    // e.g. a log written next to the configuration: the folder is never quiet
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread log = new Thread(() -> {
      try {
        for (int line = 0; writing.get(); line++) {
          Files.writeString(dir.resolve("stdout.log"), "line " + line + "\n", StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
          Thread.onSpinWait();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    log.start();
    try {
      Files.writeString(file, "apis: [] # edited\n");

      assertNotNull(calls.poll(BOUND_SECONDS, TimeUnit.SECONDS), "no call while another file keeps changing");
    } finally {
      writing.set(false);
      log.join();
    }
  }

  @Test
  void kubernetesSwappingItsDataLinkCallsBack() throws Exception {
    // a ConfigMap volume: portico.yaml -> ..data/portico.yaml, ..data -> ..2026_11_24_1; an update
    // writes ..2026_11_24_2, then renames a new link ..data_tmp over ..data
    watcher.close();
    Path mount = Files.createDirectories(dir.resolve("configmap"));
    Files.writeString(Files.createDirectories(mount.resolve("..2026_11_24_1")).resolve("portico.yaml"), "apis: []\n");
    Files.createSymbolicLink(mount.resolve("..data"), Path.of("..2026_11_24_1"));
    Path config = Files.createSymbolicLink(mount.resolve("portico.yaml"), Path.of("..data/portico.yaml"));
    watcher = ConfigFileWatcher.start(config, QUIET, () -> calls.add("changed"));

    Files.writeString(Files.createDirectories(mount.resolve("..2026_11_24_2")).resolve("portico.yaml"), "apis: [] # 2\n");
    Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..2026_11_24_2"));
    Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);

    assertNotNull(calls.poll(BOUND_SECONDS, TimeUnit.SECONDS), "no call after ..data was swapped");
  }

  @Test
  void followsAFileThatIsASymbolicLinkIntoAnotherDirectory(@TempDir Path elsewhere) throws Exception {
    watcher.close();
    Path target = Files.writeString(elsewhere.resolve("real.yaml"), "apis: []\n");
    Path link = Files.createSymbolicLink(dir.resolve("linked.yaml"), target);
    watcher = ConfigFileWatcher.start(link, QUIET, () -> calls.add("changed"));

    Files.writeString(target, "apis: [] # edited where it really is\n");

    assertNotNull(calls.poll(BOUND_SECONDS, TimeUnit.SECONDS), "no call after a write to the link's target");
  }
}
