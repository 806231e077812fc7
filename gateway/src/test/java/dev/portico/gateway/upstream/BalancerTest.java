package dev.portico.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every balancer shares: how one is made, and that weight 0 and unusable targets are never picked. */
class BalancerTest {

  static final List<String> IDS = List.of("http://10.0.0.1:80", "http://10.0.0.2:80", "http://10.0.0.3:80");

  static AtomicInteger[] idle(int n) {
    AtomicInteger[] inFlight = new AtomicInteger[n];
    for (int i = 0; i < n; i++) {
      inFlight[i] = new AtomicInteger();
    }
    return inFlight;
  }

  @Test
  void everyKindNeverPicksAWeightZeroTargetNorAnUnusableOne() {
    for (String kind : List.of("round-robin", "least-requests", "random", "hash")) {
      Balancer balancer = Balancer.create(kind, IDS, new int[] {0, 100, 100}, idle(3));
      for (int i = 0; i < 1000; i++) {
        assertEquals(2, balancer.pick("key-" + i, t -> t != 1), kind);
      }
    }
  }

  @Test
  void everyKindAnswersMinusOneWhenNoTargetIsUsable() {
    for (String kind : List.of("round-robin", "least-requests", "random", "hash")) {
      Balancer none = Balancer.create(kind, IDS, new int[] {100, 100, 100}, idle(3));
      assertEquals(-1, none.pick("key", t -> false), kind);
      assertEquals(-1, none.pick(null, t -> false), kind);
      Balancer drained = Balancer.create(kind, IDS, new int[] {0, 0, 0}, idle(3));
      assertEquals(-1, drained.pick("key", t -> true), kind);
      assertEquals(-1, drained.pick(null, t -> true), kind);
    }
  }

  @Test
  void everyKindWorksWithoutTargets() {
    for (String kind : List.of("round-robin", "least-requests", "random", "hash")) {
      assertEquals(-1, Balancer.create(kind, List.of(), new int[0], idle(0)).pick("key", t -> true), kind);
    }
  }

  @Test
  void theWeightsAreCopiedSoALaterChangeToTheArrayIsNotSeen() {
    int[] weights = {100, 0};
    Balancer balancer = Balancer.create("round-robin", IDS.subList(0, 2), weights, null);
    weights[1] = 100;
    for (int i = 0; i < 10; i++) {
      assertEquals(0, balancer.pick(null, t -> true));
    }
  }

  @Test
  void anUnknownKindOrBadArraysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Balancer.create("fastest", IDS, new int[] {1, 1, 1}, idle(3)));
    assertThrows(IllegalArgumentException.class, () -> Balancer.create("random", IDS, new int[] {1, 1}, idle(3)));
    assertThrows(IllegalArgumentException.class, () -> Balancer.create("random", IDS, new int[] {1, -1, 1}, idle(3)));
    assertThrows(IllegalArgumentException.class, () -> Balancer.create("random", IDS, new int[] {1, 1, 1}, idle(2)));
    assertThrows(IllegalArgumentException.class, () -> Balancer.create("least-requests", IDS, new int[] {1, 1, 1}, null));
  }
}
