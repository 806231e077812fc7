package dev.portico.gateway.state;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the admin API made, kept in {@code data/apis.json}. A write goes to a temporary file that
 * is forced to disk and then renamed over the old one, so a crash at any moment leaves either the
 * old state or the new one, never a torn file. The file holds secrets: it is created {@code 0600}
 * ({@link PrivateFiles}), and the rename replaces one with wider permissions. Blocking: called off
 * the event loops.
 */
public final class StateFile {

  static final String NAME = "apis.json";
  private static final int FORMAT = 1;

  private final Path file;
  private final Path temp;

  public StateFile(Path dataDir) {
    this.file = dataDir.resolve(NAME);
    this.temp = dataDir.resolve(NAME + ".tmp");
  }

  public Path path() {
    return file;
  }

  /** The saved states by API name; empty when nothing was saved yet. */
  public Map<String, ApiState> read() throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    Map<String, ApiState> states = new LinkedHashMap<>();
    try {
      JsonObject root = new JsonObject(text);
      JsonObject apis = root.getJsonObject("apis", new JsonObject());
      for (String name : apis.fieldNames()) {
        states.put(name, ApiState.fromJson(apis.getJsonObject(name)));
      }
    } catch (DecodeException | ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
      throw new IOException(file + " is not a state file Portico wrote: " + e.getMessage(), e);
    }
    return states;
  }

  /** Replaces the saved state with {@code states}, atomically and durably. */
  public void write(Collection<ApiState> states) throws IOException {
    JsonObject apis = new JsonObject();
    for (ApiState s : states) {
      apis.put(s.name(), s.toJson());
    }
    byte[] bytes = new JsonObject().put("format", FORMAT).put("apis", apis).encodePrettily()
        .getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = PrivateFiles.create(temp)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        ch.write(buffer);
      }
      ch.force(true);
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the data directory " + file.getParent() + " does not support atomic renames", e);
    }
    syncDirectory(file.getParent());
  }

  /** Makes the rename itself durable; some platforms cannot open a directory, which is harmless there. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the file's content is already durable
    }
  }
}
