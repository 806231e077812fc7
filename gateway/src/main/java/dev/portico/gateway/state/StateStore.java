package dev.portico.gateway.state;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where the states of the APIs the admin API owns live: in {@code data/} on a single node
 * ({@link LocalStateStore}), in a Hazelcast map shared by every node and mirrored into each node's
 * {@code data/} with {@code --cluster} ({@link ClusterStateStore}).
 */
public interface StateStore {

  /** Every state known, deleted APIs' tombstones included, by API name. */
  Map<String, ApiState> states();

  /**
   * Changes one API's state atomically: {@code change} gets the current state (null when the admin
   * API never wrote the API) and returns the new one. It runs off the event loops and may run more
   * than once when another node writes the same API at the same time; it may throw
   * {@link WriteRefused} to refuse the write, which then changes nothing.
   *
   * @return the new state, once it is durable (and, in a cluster, shared)
   */
  Future<ApiState> update(String api, UnaryOperator<ApiState> change);

  /**
   * The APIs {@code data/} holds that could not be read at start (logged then): not served, and,
   * like a deleted API, their names stay the admin API's, so the file's definition of them is not
   * served either. Writing such an API again through the admin API replaces what was unreadable.
   */
  default Set<String> unreadable() {
    return Set.of();
  }

  /** {@code listener} runs (on any thread) after any state changes, on this node or another. */
  void onChange(Runnable listener);

  /** Stops listening to the cluster; writes in flight finish. */
  default void close() {}
}
