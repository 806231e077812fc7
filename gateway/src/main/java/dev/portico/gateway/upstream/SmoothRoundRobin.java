package dev.portico.gateway.upstream;

import java.util.function.IntPredicate;

/**
 * Weighted round-robin, smooth (nginx's algorithm): on each pick every usable target adds its
 * weight to its current value, the highest value wins and gives back the total of the usable
 * weights. Over a cycle (the sum of the weights divided by their gcd) each target gets exactly its
 * share, spread out rather than in runs: weights 5, 1, 1 give {@code a a b a c a a}, not {@code a a
 * a a a b c}, so a light target is not left idle for long and a heavy one is not hit by a burst.
 *
 * <p>A target that is unusable for a pick neither gains nor is picked; the others keep their
 * proportion among themselves, and it resumes where it stood when it comes back.
 *
 * @implNote The pick is {@code synchronized}: the current values must move together for the
 *     shares to be exact, and the critical section is a loop over a small array with no allocation
 *     and no I/O, far shorter than anything else a request does; event loops contending on it wait
 *     nanoseconds. A lock-free variant (a shared counter into a precomputed schedule) would either
 *     lose exactness when targets are skipped or need a schedule per set of usable targets.
 */
final class SmoothRoundRobin implements Balancer {

  private final int[] weights;
  /** Long: a target skipped for a long time keeps its value, never more than a few totals. */
  private final long[] current;

  SmoothRoundRobin(int[] weights) {
    this.weights = weights;
    this.current = new long[weights.length];
  }

  @Override
  public int pick(String hashKey, IntPredicate usable) {
    return pick(usable);
  }

  synchronized int pick(IntPredicate usable) {
    long total = 0;
    int best = -1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0 || !usable.test(i)) {
        continue;
      }
      current[i] += weights[i];
      total += weights[i];
      if (best < 0 || current[i] > current[best]) {
        best = i;
      }
    }
    if (best >= 0) {
      current[best] -= total;
    }
    return best;
  }
}
