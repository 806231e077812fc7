package dev.portico.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Least requests: the fewest in flight relative to the weight wins; ties share. */
class LeastRequestsTest {

  private static AtomicInteger[] inFlight(int... counts) {
    AtomicInteger[] inFlight = new AtomicInteger[counts.length];
    for (int i = 0; i < counts.length; i++) {
      inFlight[i] = new AtomicInteger(counts[i]);
    }
    return inFlight;
  }

  private static Balancer leastRequests(int[] weights, AtomicInteger[] inFlight) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      ids.add("http://10.0.0." + i + ":80");
    }
    return Balancer.create("least-requests", ids, weights, inFlight);
  }

  @Test
  void theTargetWithFewestInFlightIsPicked() {
    AtomicInteger[] inFlight = inFlight(3, 1, 2);
    Balancer balancer = leastRequests(new int[] {100, 100, 100}, inFlight);
    for (int i = 0; i < 100; i++) {
      assertEquals(1, balancer.pick(null, t -> true));
    }
    inFlight[1].set(5);
    assertEquals(2, balancer.pick(null, t -> true));
  }

  @Test
  void loadIsMeasuredAgainstWeight() {
    AtomicInteger[] inFlight = inFlight(2, 3);
    Balancer balancer = leastRequests(new int[] {100, 200}, inFlight);
    assertEquals(1, balancer.pick(null, t -> true), "3 of 200 is lighter than 2 of 100");
    inFlight[0].set(1);
    assertEquals(0, balancer.pick(null, t -> true), "1 of 100 is lighter than 3 of 200");
  }

  @Test
  void theLeastLoadedUsableTargetIsPickedWhenTheLeastLoadedIsNotUsable() {
    Balancer balancer = leastRequests(new int[] {100, 100, 100}, inFlight(0, 7, 4));
    assertEquals(2, balancer.pick(null, t -> t != 0));
  }

  @Test
  void equalTargetsShareTheTraffic() {
    Balancer balancer = leastRequests(new int[] {100, 100, 100}, inFlight(0, 0, 0));
    int[] counts = new int[3];
    for (int i = 0; i < 30_000; i++) {
      counts[balancer.pick(null, t -> true)]++;
    }
    for (int count : counts) {
      assertTrue(count > 8_000 && count < 12_000, "each about 10_000: " + count);
    }
  }

  @Test
  void idleTargetsShareByWeight() {
    // short requests rarely overlap: every pick sees all targets idle
    Balancer balancer = leastRequests(new int[] {300, 100}, inFlight(0, 0));
    int[] counts = new int[2];
    for (int i = 0; i < 40_000; i++) {
      counts[balancer.pick(null, t -> true)]++;
    }
    assertTrue(counts[0] > 28_000 && counts[0] < 32_000, "about 30_000: " + counts[0]);
  }

  @Test
  void requestsThatStayInFlightSpreadInProportionToWeights() {
    AtomicInteger[] inFlight = inFlight(0, 0, 0);
    Balancer balancer = leastRequests(new int[] {200, 100, 100}, inFlight);
    for (int i = 0; i < 400; i++) {
      inFlight[balancer.pick(null, t -> true)].incrementAndGet();
    }
    assertEquals(200, inFlight[0].get(), 1);
    assertEquals(100, inFlight[1].get(), 1);
    assertEquals(100, inFlight[2].get(), 1);
  }

  @Property(tries = 500)
  void thePickHasTheLeastLoadPerWeightAmongUsableTargets(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 500) Integer> weightList,
      @ForAll @Size(min = 8, max = 8) List<@IntRange(min = 0, max = 50) Integer> loads,
      @ForAll @Size(min = 8, max = 8) List<Boolean> usableList) {
    int n = weightList.size();
    int[] weights = weightList.stream().mapToInt(Integer::intValue).toArray();
    AtomicInteger[] inFlight = new AtomicInteger[n];
    for (int i = 0; i < n; i++) {
      inFlight[i] = new AtomicInteger(loads.get(i));
    }
    int picked = leastRequests(weights, inFlight).pick(null, usableList::get);
    boolean anyUsable = false;
    for (int i = 0; i < n; i++) {
      if (weights[i] > 0 && usableList.get(i)) {
        anyUsable = true;
        assertTrue(picked >= 0, "a usable target exists");
        assertTrue((double) loads.get(picked) / weights[picked] <= (double) loads.get(i) / weights[i],
            "picked " + picked + " over lighter " + i);
      }
    }
    if (!anyUsable) {
      assertEquals(-1, picked);
    } else {
      assertTrue(weights[picked] > 0 && usableList.get(picked));
    }
  }
}
