package dev.portico.gateway.state;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The states of one node, kept in {@code data/apis.json}. Writes are serialised and each is on
 * disk before it is acknowledged.
 */
public final class LocalStateStore implements StateStore {

  private final Vertx vertx;
  private final StateFile file;
  private final Map<String, ApiState> states = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object writeLock = new Object();

  private LocalStateStore(Vertx vertx, StateFile file, Map<String, ApiState> saved) {
    this.vertx = vertx;
    this.file = file;
    this.states.putAll(saved);
  }

  /** Reads what {@code data/} holds; blocking. */
  public static LocalStateStore open(Vertx vertx, StateFile file) {
    try {
      return new LocalStateStore(vertx, file, file.read());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the saved APIs in " + file.path() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, ApiState> states() {
    return Map.copyOf(states);
  }

  @Override
  public Future<ApiState> update(String api, UnaryOperator<ApiState> change) {
    return vertx.<ApiState>executeBlocking(() -> {
      synchronized (writeLock) {
        ApiState before = states.get(api);
        ApiState after = change.apply(before);
        if (after == null || after == before) {
          return before;
        }
        Map<String, ApiState> next = new java.util.LinkedHashMap<>(states);
        next.put(api, after);
        file.write(next.values());
        states.put(api, after);
        return after;
      }
    }, false).onSuccess(s -> listeners.forEach(Runnable::run));
  }

  @Override
  public Set<String> unreadable() {
    return file.unreadable();
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }
}
