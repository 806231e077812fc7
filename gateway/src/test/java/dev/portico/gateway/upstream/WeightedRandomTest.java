package dev.portico.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Random: each usable target in proportion to its weight. */
class WeightedRandomTest {

  private static final List<String> IDS =
      List.of("http://10.0.0.1:80", "http://10.0.0.2:80", "http://10.0.0.3:80", "http://10.0.0.4:80");

  @Test
  void picksAreRoughlyProportionalToWeights() {
    Balancer balancer = Balancer.create("random", IDS, new int[] {500, 300, 200, 0}, null);
    int[] counts = new int[4];
    for (int i = 0; i < 100_000; i++) {
      counts[balancer.pick(null, t -> true)]++;
    }
    assertTrue(Math.abs(counts[0] - 50_000) < 3_000, "about half: " + counts[0]);
    assertTrue(Math.abs(counts[1] - 30_000) < 3_000, "about 30%: " + counts[1]);
    assertTrue(Math.abs(counts[2] - 20_000) < 3_000, "about 20%: " + counts[2]);
    assertEquals(0, counts[3]);
  }

  @Test
  void unusableTargetsAreLeftOutAndTheRestKeepTheirProportion() {
    Balancer balancer = Balancer.create("random", IDS, new int[] {300, 300, 100, 100}, null);
    int[] counts = new int[4];
    for (int i = 0; i < 40_000; i++) {
      counts[balancer.pick("ignored", t -> t != 1)]++;
    }
    assertEquals(0, counts[1]);
    assertTrue(Math.abs(counts[0] - 24_000) < 2_000, "about 3/5: " + counts[0]);
    assertTrue(Math.abs(counts[2] - 8_000) < 1_500, "about 1/5: " + counts[2]);
  }
}
