package dev.portico.gateway.upstream;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * A usable target at random, each with a probability proportional to its weight. No shared state
 * at all: the cheapest balancer when many nodes or event loops pick at once.
 *
 * @implNote One pass (weighted reservoir sampling: target {@code i} replaces the choice with
 *     probability {@code weight / usable weight so far}), so {@code usable} is asked once per
 *     target and a target whose health changes during the pick cannot unbalance the draw.
 */
final class WeightedRandom implements Balancer {

  private final int[] weights;

  WeightedRandom(int[] weights) {
    this.weights = weights;
  }

  @Override
  public int pick(String hashKey, IntPredicate usable) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long total = 0;
    int chosen = -1;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] == 0 || !usable.test(i)) {
        continue;
      }
      total += weights[i];
      if (random.nextLong(total) < weights[i]) {
        chosen = i;
      }
    }
    return chosen;
  }
}
