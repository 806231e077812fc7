package dev.portico.gateway.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.portico.gateway.config.NestingLimit;
import io.vertx.core.json.Json;
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
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the admin API made, kept in {@code data/apis.json}. A write goes to a temporary file that
 * is forced to disk and then renamed over the old one, so a crash at any moment leaves either the
 * old state or the new one, never a torn file. The file holds secrets: it is created {@code 0600}
 * ({@link PrivateFiles}), and the rename replaces one with wider permissions. Blocking: called off
 * the event loops.
 *
 * <p>Each API is read on its own: one that cannot be read (nested too deep, not the shape Portico
 * writes) is left out and logged, and the others are served. It is written back as it was, so
 * nothing is lost, until the admin API writes an API of that name again. What a write stores is
 * first read back the same way ({@link #whyUnreadable}), so the admin API never stores what the
 * next start could not read.
 */
public final class StateFile {

  static final String NAME = "apis.json";
  private static final int FORMAT = 1;
  /**
   * How deep one API's state may nest: a definition within {@link NestingLimit}, in an entry that
   * holds it at most three levels down ({@code deployments[i].definition}).
   */
  static final int ENTRY_DEPTH = NestingLimit.MAX_DEPTH + 3;
  private static final Logger log = LoggerFactory.getLogger(StateFile.class);
  /**
   * Finding where an entry ends needs no tree and no recursion, whatever its depth: the limit is
   * applied per entry, after it has been skipped.
   */
  private static final JsonFactory SCANNER = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build()).build();

  private final Path file;
  private final Path temp;
  /** The entries {@link #read} could not read, by API name, as written: kept until replaced. */
  private final Map<String, String> unreadable = new ConcurrentHashMap<>();

  public StateFile(Path dataDir) {
    this.file = dataDir.resolve(NAME);
    this.temp = dataDir.resolve(NAME + ".tmp");
  }

  public Path path() {
    return file;
  }

  /**
   * The saved states by API name; empty when nothing was saved yet. An API that cannot be read is
   * left out (logged with its name and why, and listed by {@link #unreadable()}).
   *
   * @throws IOException when the file cannot be read, or is not the JSON object Portico writes
   */
  public Map<String, ApiState> read() throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    Map<String, ApiState> states = new LinkedHashMap<>();
    Map<String, String> entries;
    try {
      entries = entries(text);
    } catch (IOException e) {
      throw new IOException(file + " is not a state file Portico wrote: " + e.getMessage(), e);
    }
    unreadable.clear();
    entries.forEach((name, entry) -> {
      String why = whyUnreadable(name, entry);
      if (why == null) {
        states.put(name, ApiState.fromJson(new JsonObject(entry)));
      } else {
        unreadable.put(name, entry);
        log.error("{}: the API '{}' cannot be read and is not served: {}. It stays in the file as it is until the "
            + "admin API writes '{}' again", file, name, why, name);
      }
    });
    return states;
  }

  /** The APIs the file holds that {@link #read} could not read (they are not served). */
  public Set<String> unreadable() {
    return Set.copyOf(unreadable.keySet());
  }

  /**
   * Replaces the saved state with {@code states}, atomically and durably. The unreadable entries
   * of APIs {@code states} does not name are written back as they were.
   */
  public void write(Collection<ApiState> states) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    for (ApiState s : states) {
      entries.put(s.name(), entry(s));
    }
    Map<String, String> kept = new LinkedHashMap<>(unreadable);
    kept.keySet().removeAll(entries.keySet());
    entries.putAll(kept);
    byte[] bytes = document(entries).getBytes(StandardCharsets.UTF_8);
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
    unreadable.keySet().retainAll(kept.keySet());
  }

  /**
   * Why the next start could not read {@code state} back from the file, or null when it could:
   * the state is written as {@link #write} writes it and read as {@link #read} reads it.
   */
  public static String whyUnreadable(ApiState state) {
    return whyUnreadable(state.name(), entry(state));
  }

  private static String entry(ApiState state) {
    return state.toJson().encodePrettily();
  }

  /** The file: {@code {"format": 1, "apis": {name: entry, ...}}}, laid out as Jackson's pretty printer does. */
  private static String document(Map<String, String> entries) {
    StringBuilder out = new StringBuilder("{\n  \"format\" : ").append(FORMAT).append(",\n  \"apis\" : {");
    String separator = "\n";
    for (Map.Entry<String, String> e : entries.entrySet()) {
      // a JSON text holds no raw line break but between tokens: indenting every line is safe
      out.append(separator).append("    ").append(Json.encode(e.getKey())).append(" : ")
          .append(e.getValue().replace("\n", "\n    "));
      separator = ",\n";
    }
    return out.append(entries.isEmpty() ? " }\n}\n" : "\n  }\n}\n").toString();
  }

  /** Each entry of {@code apis} as its JSON text, by name, without reading what it holds. */
  private static Map<String, String> entries(String text) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (JsonParser parser = SCANNER.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("it is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!key.equals("apis")) {
          parser.skipChildren();
          continue;
        }
        if (value != JsonToken.START_OBJECT) {
          throw new IOException("'apis' is not an object");
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          entries.put(name, valueText(parser, text));
        }
      }
      if (parser.nextToken() != null) {
        throw new IOException("text follows the object");
      }
    }
    return entries;
  }

  /** The text of the value at the parser's token, leaving the parser on its last token. */
  private static String valueText(JsonParser parser, String text) throws IOException {
    JsonToken token = parser.currentToken();
    if (!token.isStructStart()) {
      return token == JsonToken.VALUE_STRING ? Json.encode(parser.getText()) : parser.getText();
    }
    int start = (int) parser.currentTokenLocation().getCharOffset();
    parser.skipChildren();
    int end = (int) parser.currentTokenLocation().getCharOffset() + 1;
    return text.substring(start, end);
  }

  /** Why one entry cannot be read into an {@link ApiState}, or null when it can. */
  private static String whyUnreadable(String name, String entry) {
    try {
      String tooDeep = tooDeep(entry);
      if (tooDeep != null) {
        return tooDeep;
      }
      ApiState state = ApiState.fromJson(new JsonObject(entry));
      if (!name.equals(state.name())) {
        return "it names itself '" + state.name() + "'";
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "it is not the state Portico writes ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")";
    }
  }

  /**
   * Where the entry nests deeper than {@link #ENTRY_DEPTH}, as a path in it; null when it does
   * not (or is not even an object, which reading it then says).
   */
  private static String tooDeep(String entry) throws IOException {
    try (JsonParser parser = SCANNER.createParser(entry)) {
      Deque<String> path = new ArrayDeque<>();
      Deque<int[]> indexes = new ArrayDeque<>(); // the next item's index of each open list, -1 for a map
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        if (token == JsonToken.FIELD_NAME) {
          path.push(parser.currentName());
          continue;
        }
        if (!indexes.isEmpty() && indexes.peek()[0] >= 0 && !token.isStructEnd()) {
          path.push("[" + indexes.peek()[0]++ + "]");
        }
        if (token.isStructStart()) {
          indexes.push(new int[] {token == JsonToken.START_ARRAY ? 0 : -1});
          if (indexes.size() > ENTRY_DEPTH) {
            return pathOf(path) + ": nested more than " + ENTRY_DEPTH + " levels deep (a definition may nest "
                + NestingLimit.MAX_DEPTH + ")";
          }
          continue;
        }
        if (token.isStructEnd()) {
          indexes.pop();
        }
        if (!path.isEmpty() && !indexes.isEmpty()) {
          path.pop(); // the value ended: its key or index goes
        }
      }
      return null;
    }
  }

  private static String pathOf(Deque<String> path) {
    StringBuilder out = new StringBuilder();
    path.descendingIterator().forEachRemaining(segment -> {
      if (out.length() > 0 && !segment.startsWith("[")) {
        out.append('.');
      }
      out.append(segment);
    });
    return out.toString();
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
