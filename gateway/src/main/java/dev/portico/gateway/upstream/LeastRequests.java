package dev.portico.gateway.upstream;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * The usable target with the fewest requests in flight on this node relative to its weight (a
 * target of weight 200 is as loaded with 2 in flight as one of weight 100 with 1). Ties are broken
 * at random in proportion to the weights, so idle targets share the traffic by weight instead of
 * the first one taking it all, as happens when requests are short and rarely overlap.
 *
 * @implNote No lock: the in-flight counts change under our feet anyway, so a pick is a best effort
 *     over a snapshot read target by target. Loads are compared by cross-multiplication in longs,
 *     exact where floating-point ratios could call two equal loads different.
 */
final class LeastRequests implements Balancer {

  private final int[] weights;
  private final AtomicInteger[] inFlight;

  LeastRequests(int[] weights, AtomicInteger[] inFlight) {
    this.weights = weights;
    this.inFlight = inFlight;
  }

  @Override
  public int pick(String hashKey, IntPredicate usable) {
    int best = -1;
    long bestLoad = 0;
    long tiedWeight = 0;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0 || !usable.test(i)) {
        continue;
      }
      long load = Math.max(0, inFlight[i].get());
      // load / weights[i] against bestLoad / weights[best]
      long order = best < 0 ? -1 : Long.compare(load * weights[best], bestLoad * weights[i]);
      if (order < 0) {
        best = i;
        bestLoad = load;
        tiedWeight = weights[i];
      } else if (order == 0) {
        // weighted reservoir sampling: each tied target ends up chosen with weight / tiedWeight
        tiedWeight += weights[i];
        if (random.nextLong(tiedWeight) < weights[i]) {
          best = i;
          bestLoad = load;
        }
      }
    }
    return best;
  }
}
