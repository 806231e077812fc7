package dev.portico.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Weighted round-robin: exact shares over every cycle, interleaved, even when some targets are skipped. */
class SmoothRoundRobinTest {

  private static Balancer roundRobin(int... weights) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      ids.add("http://10.0.0." + i + ":80");
    }
    return Balancer.create("round-robin", ids, weights, null);
  }

  private static int gcdOfUsable(int[] weights, IntPredicate usable) {
    int gcd = 0;
    for (int i = 0; i < weights.length; i++) {
      if (usable.test(i)) {
        gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(weights[i])).intValue();
      }
    }
    return gcd;
  }

  /** The sum of the usable weights divided by their gcd: the shortest run in which shares are exact. */
  private static int cycle(int[] weights, IntPredicate usable) {
    int gcd = gcdOfUsable(weights, usable);
    int sum = 0;
    for (int i = 0; i < weights.length; i++) {
      if (usable.test(i)) {
        sum += weights[i];
      }
    }
    return gcd == 0 ? 0 : sum / gcd;
  }

  private static int[] count(Balancer balancer, int picks, int targets, IntPredicate usable) {
    int[] counts = new int[targets];
    for (int i = 0; i < picks; i++) {
      counts[balancer.pick(null, usable)]++;
    }
    return counts;
  }

  private static void assertExactShares(int[] weights, IntPredicate usable, int cycles) {
    int cycle = cycle(weights, usable);
    int gcd = gcdOfUsable(weights, usable);
    Balancer balancer = roundRobin(weights);
    for (int c = 0; c < cycles; c++) {
      int[] counts = count(balancer, cycle, weights.length, usable);
      for (int i = 0; i < weights.length; i++) {
        int expected = usable.test(i) ? weights[i] / gcd : 0;
        assertEquals(expected, counts[i], "target " + i + " of " + Arrays.toString(weights) + " in cycle " + c);
      }
    }
  }

  @Test
  void eachTargetGetsExactlyItsShareInEveryCycle() {
    int[][] weightSets = {
        {1}, {1, 1, 1}, {5, 1, 1}, {100, 100}, {100, 50, 25}, {7, 3}, {3, 0, 2}, {0, 0, 4}, {100, 0, 100, 1}, {2, 4, 6, 8},
    };
    for (int[] weights : weightSets) {
      assertExactShares(weights, t -> true, 5);
    }
  }

  @Property(tries = 300)
  void anyWeightsGiveExactSharesOverEachCycleOfTheUsableTargets(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 30) Integer> weightList,
      @ForAll @Size(max = 8) List<Boolean> unusableList) {
    int[] weights = weightList.stream().mapToInt(Integer::intValue).toArray();
    IntPredicate usable = i -> weights[i] > 0 && !(i < unusableList.size() && unusableList.get(i));
    if (cycle(weights, usable) == 0) {
      assertEquals(-1, roundRobin(weights).pick(null, usable));
      return;
    }
    assertExactShares(weights, usable, 3);
  }

  @Test
  void picksAreInterleavedNotInRuns() {
    Balancer balancer = roundRobin(5, 1, 1);
    int[] picks = new int[14];
    for (int i = 0; i < picks.length; i++) {
      picks[i] = balancer.pick(null, t -> true);
    }
    assertArrayEquals(new int[] {0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0}, picks);
  }

  @Test
  void equalWeightsTakeTurns() {
    Balancer balancer = roundRobin(100, 100, 100);
    int[] picks = new int[6];
    for (int i = 0; i < picks.length; i++) {
      picks[i] = balancer.pick(null, t -> true);
    }
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, picks);
  }

  @Test
  void anUnusableTargetIsSkippedAndTheOthersKeepTheirProportion() {
    Balancer balancer = roundRobin(3, 2, 1);
    assertArrayEquals(new int[] {3, 0, 1}, count(balancer, 4, 3, t -> t != 1));
    assertArrayEquals(new int[] {0, 2, 1}, count(balancer, 3, 3, t -> t != 0));
  }

  @Test
  void aTargetThatComesBackGetsItsShareAgain() {
    Balancer balancer = roundRobin(1, 1);
    count(balancer, 101, 2, t -> t == 0);
    // over any long run with both usable the split is even again, whatever the skipped target missed
    int[] counts = count(balancer, 1000, 2, t -> true);
    assertEquals(500, counts[0], 1);
  }

  @Test
  void sharesAreExactWhenPicksComeFromSeveralThreads() throws Exception {
    int[] weights = {5, 3, 2};
    Balancer balancer = roundRobin(weights);
    int threads = 4;
    int picksEach = 25_000; // 100_000 picks in all: 10_000 whole cycles of 10
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<int[]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          start.await();
          return count(balancer, picksEach, 3, i -> true);
        }));
      }
      start.countDown();
      int[] total = new int[3];
      for (Future<int[]> result : results) {
        int[] counts = result.get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
          total[i] += counts[i];
        }
      }
      assertArrayEquals(new int[] {50_000, 30_000, 20_000}, total);
    } finally {
      pool.shutdownNow();
    }
  }
}
