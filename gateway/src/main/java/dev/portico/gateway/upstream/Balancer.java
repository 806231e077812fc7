package dev.portico.gateway.upstream;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Chooses the target of one try. Thread-safe: one instance is shared by every event loop of a
 * node.
 *
 * <p>A balancer knows the targets' identities and weights; whether a target may take a try now
 * (healthy, not ejected, not already tried by this request) is the caller's to say, per pick,
 * through {@code usable}, so health changes never rebuild a balancer. A target of weight 0 is never
 * picked whatever {@code usable} says: a drained target gets no new requests.
 *
 * <pre>{@code
 * Balancer balancer = Balancer.create("round-robin", urls, weights, inFlight);
 * int target = balancer.pick(null, i -> health.isUsable(i) && !tried.get(i));
 * if (target < 0) { ... 503 with Retry-After ... }
 * }</pre>
 */
public interface Balancer {

  /**
   * @param hashKey the request's value of the upstream's {@code hashOn} template; only the hash
   *     balancer reads it, and when it is null or empty that balancer picks by weighted round-robin
   *     among the usable targets
   * @param usable whether target {@code i} may get this try now; called during the pick, possibly
   *     under the balancer's lock, so it must be cheap and must not call back into the balancer
   * @return the index of the chosen target, or -1 when no target is usable
   */
  int pick(String hashKey, IntPredicate usable);

  /**
   * @param kind {@code round-robin}, {@code least-requests}, {@code random} or {@code hash}
   * @param ids the targets' identities (their URLs); the hash ring is built from them, so a target
   *     keeps its keys across reloads and on every node
   * @param weights proportions, each at least 0 (0: never picked); copied
   * @param inFlight per target, the requests in flight on this node, kept by the caller; read by
   *     {@code least-requests} (required there, may be null for the others)
   * @throws IllegalArgumentException for an unknown kind, negative weights or arrays whose length
   *     differs from {@code ids}'
   */
  static Balancer create(String kind, List<String> ids, int[] weights, AtomicInteger[] inFlight) {
    Objects.requireNonNull(kind, "kind");
    List<String> targets = List.copyOf(ids);
    if (weights.length != targets.size()) {
      throw new IllegalArgumentException(
          "weights has " + weights.length + " entries for " + targets.size() + " targets");
    }
    int[] copy = weights.clone();
    for (int w : copy) {
      if (w < 0) {
        throw new IllegalArgumentException("negative weight " + w);
      }
    }
    if (inFlight != null && inFlight.length != targets.size()) {
      throw new IllegalArgumentException(
          "inFlight has " + inFlight.length + " entries for " + targets.size() + " targets");
    }
    switch (kind) {
      case "round-robin":
        return new SmoothRoundRobin(copy);
      case "least-requests":
        if (inFlight == null) {
          throw new IllegalArgumentException("least-requests needs the in-flight counts");
        }
        return new LeastRequests(copy, inFlight.clone());
      case "random":
        return new WeightedRandom(copy);
      case "hash":
        return new HashRing(targets, copy);
      default:
        throw new IllegalArgumentException("unknown balance '" + kind + "'");
    }
  }
}
