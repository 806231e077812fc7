package dev.portico.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
    calls.poll(BOUND_SECONDS, TimeUnit.SECONDS); // writing the temporary file is a change of the directory too
    calls.clear();

    Files.move(saved, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    assertNotNull(calls.poll(BOUND_SECONDS, TimeUnit.SECONDS), "no call after a rename over the file");
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
