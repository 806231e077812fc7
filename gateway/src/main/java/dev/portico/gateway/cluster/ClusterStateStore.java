package dev.portico.gateway.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.portico.gateway.state.ApiState;
import dev.portico.gateway.state.StateFile;
import dev.portico.gateway.state.StateStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The states shared by every node of a cluster, in the Hazelcast map {@value #MAP}: one entry per
 * API, its state as JSON text (so members need none of the gateway's classes to hold it).
 *
 * <ul>
 *   <li>A write is a compare-and-set on the API's entry, retried on a concurrent write: two nodes
 *       writing the same API both succeed, one after the other, and every node ends with the same
 *       state. An entry's {@link ApiState#version()} only grows.
 *   <li>Every node listens to the map and applies a newer version as soon as it hears of it, and
 *       mirrors the map into its own {@code data/}, so a whole cluster restarted keeps its state.
 *   <li>A node that joins offers what its {@code data/} holds, which wins only where it is newer
 *       than the cluster's, then takes the cluster's state.
 * </ul>
 */
public final class ClusterStateStore implements StateStore {

  static final String MAP = "portico.apis";
  private static final Logger log = LoggerFactory.getLogger(ClusterStateStore.class);

  private final Vertx vertx;
  private final StateFile file;
  private final IMap<String, String> map;
  private final Map<String, ApiState> states = new ConcurrentHashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final Object mirrorLock = new Object();
  private UUID registration;

  private ClusterStateStore(Vertx vertx, StateFile file, IMap<String, String> map) {
    this.vertx = vertx;
    this.file = file;
    this.map = map;
  }

  /** Joins the shared state: blocking (it talks to the cluster and reads {@code data/}). */
  public static ClusterStateStore open(Vertx vertx, StateFile file, HazelcastInstance hazelcast) {
    ClusterStateStore store = new ClusterStateStore(vertx, file, hazelcast.getMap(MAP));
    store.join();
    return store;
  }

  private void join() {
    Map<String, ApiState> saved;
    try {
      saved = file.read();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the saved APIs in " + file.path() + ": " + e.getMessage(), e);
    }
    registration = map.addEntryListener(new Listener(), true);
    for (ApiState mine : saved.values()) {
      offer(mine);
    }
    for (Map.Entry<String, String> e : map.entrySet()) {
      heard(e.getValue());
    }
    mirror();
  }

  /** Puts {@code mine} in the map unless the cluster has that version or a newer one. */
  private void offer(ApiState mine) {
    String json = mine.toJson().encode();
    while (true) {
      String theirs = map.get(mine.name());
      if (theirs == null) {
        if (map.putIfAbsent(mine.name(), json) == null) {
          return;
        }
      } else if (parse(theirs).version() >= mine.version() || map.replace(mine.name(), theirs, json)) {
        return;
      }
    }
  }

  @Override
  public Map<String, ApiState> states() {
    return Map.copyOf(states);
  }

  @Override
  public Future<ApiState> update(String api, UnaryOperator<ApiState> change) {
    return vertx.<ApiState>executeBlocking(() -> {
      while (true) {
        String before = map.get(api);
        ApiState current = before == null ? null : parse(before);
        ApiState after = change.apply(current);
        if (after == null || after == current) {
          return current;
        }
        String json = after.toJson().encode();
        boolean written = before == null ? map.putIfAbsent(api, json) == null : map.replace(api, before, json);
        if (written) {
          if (adopt(after)) {
            mirror();
          }
          return after;
        }
        // another node wrote this API in between: decide again on its state
      }
    }, false).onSuccess(s -> listeners.forEach(Runnable::run));
  }

  /** What this node's {@code data/} held unreadable, unless the cluster has a readable state of that API. */
  @Override
  public Set<String> unreadable() {
    Set<String> out = new java.util.HashSet<>(file.unreadable());
    out.removeAll(states.keySet());
    return Set.copyOf(out);
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    if (registration != null) {
      try {
        map.removeEntryListener(registration);
      } catch (RuntimeException e) {
        // the cluster is going away with us
      }
    }
  }

  /** Keeps a state heard from the map if it is newer than the one we have. */
  private boolean adopt(ApiState state) {
    return adopt(state, false);
  }

  /** Keeps a state heard from the map if it is newer than ours, or whatever it is when {@code force}d. */
  private boolean adopt(ApiState state, boolean force) {
    boolean[] newer = {false};
    states.compute(state.name(), (name, mine) -> {
      if (mine == null || mine.version() < state.version() || (force && !mine.equals(state))) {
        newer[0] = true;
        return state;
      }
      return mine;
    });
    return newer[0];
  }

  private void heard(String json) {
    heard(json, false);
  }

  private void heard(String json, boolean force) {
    ApiState state;
    try {
      state = parse(json);
    } catch (RuntimeException e) {
      log.error("ignored an unreadable API state from the cluster: {}", e.toString());
      return;
    }
    if (adopt(state, force)) {
      vertx.executeBlocking(() -> {
        mirror();
        return null;
      }, false).onComplete(ar -> listeners.forEach(Runnable::run));
    }
  }

  /** Writes what this node knows to its {@code data/}; a failure is logged, the cluster still has it. */
  private void mirror() {
    synchronized (mirrorLock) {
      try {
        file.write(Map.copyOf(states).values());
      } catch (IOException e) {
        log.error("cannot save the APIs' state in {}: {} (the cluster keeps it)", file.path(), e.getMessage());
      }
    }
  }

  private static ApiState parse(String json) {
    return ApiState.fromJson(new JsonObject(json));
  }

  private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
      EntryMergedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      heard(event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      heard(event.getValue());
    }

    /**
     * After a split brain heals, the map keeps one side's entry (Hazelcast's merge policy), whose
     * version may be lower than what this node had from its own side: the map's is the truth.
     */
    @Override
    public void entryMerged(EntryEvent<String, String> event) {
      heard(event.getValue(), true);
    }
  }
}
