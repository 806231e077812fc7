package dev.portico.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Consistent hashing: a key sticks to its target, only about one key in n moves when a target comes
 * or goes, keys spread evenly, and an unusable target's keys go round to the next usable one.
 */
class HashRingTest {

  private static final List<String> FOUR =
      List.of("http://10.0.0.1:80", "http://10.0.0.2:80", "http://10.0.0.3:80", "http://10.0.0.4:80");
  private static final int KEYS = 10_000;

  private static Balancer ring(List<String> ids) {
    int[] weights = new int[ids.size()];
    Arrays.fill(weights, 100);
    return Balancer.create("hash", ids, weights, null);
  }

  /** For each key {@code user-i}, the id of its target. */
  private static String[] owners(List<String> ids, int keys) {
    Balancer balancer = ring(ids);
    String[] owners = new String[keys];
    for (int k = 0; k < keys; k++) {
      owners[k] = ids.get(balancer.pick("user-" + k, t -> true));
    }
    return owners;
  }

  @Test
  void aKeyAlwaysGoesToTheSameTargetOnEveryNode() {
    Balancer node1 = ring(FOUR);
    Balancer node2 = ring(FOUR);
    for (int k = 0; k < 1000; k++) {
      int target = node1.pick("user-" + k, t -> true);
      for (int again = 0; again < 5; again++) {
        assertEquals(target, node1.pick("user-" + k, t -> true));
      }
      assertEquals(target, node2.pick("user-" + k, t -> true));
    }
  }

  @Test
  void removingATargetMovesOnlyItsKeys() {
    String[] before = owners(FOUR, KEYS);
    List<String> three = List.of(FOUR.get(0), FOUR.get(2), FOUR.get(3));
    String[] after = owners(three, KEYS);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (!before[k].equals(after[k])) {
        moved++;
        assertEquals(FOUR.get(1), before[k], "key " + k + " moved though its target stayed");
      }
    }
    double share = (double) moved / KEYS;
    assertTrue(share >= 0.15 && share <= 0.35, "about a quarter moved: " + share);
  }

  @Test
  void addingATargetMovesKeysOnlyToIt() {
    List<String> three = FOUR.subList(0, 3);
    String[] before = owners(three, KEYS);
    String[] after = owners(FOUR, KEYS);
    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      if (!before[k].equals(after[k])) {
        moved++;
        assertEquals(FOUR.get(3), after[k], "key " + k + " moved to an old target");
      }
    }
    double share = (double) moved / KEYS;
    assertTrue(share >= 0.15 && share <= 0.35, "about a quarter moved: " + share);
  }

  @Test
  void keysSpreadEvenly() {
    List<String> three = FOUR.subList(0, 3);
    Balancer balancer = ring(three);
    int[] counts = new int[3];
    for (int k = 0; k < 30_000; k++) {
      counts[balancer.pick("user-" + k, t -> true)]++;
    }
    for (int count : counts) {
      assertTrue(count >= 6_000 && count <= 14_100, "between 20% and 47%: " + Arrays.toString(counts));
    }
  }

  @Test
  void weightsSetTheShares() {
    Balancer balancer = Balancer.create("hash", FOUR.subList(0, 2), new int[] {100, 300}, null);
    int[] counts = new int[2];
    for (int k = 0; k < 40_000; k++) {
      counts[balancer.pick("user-" + k, t -> true)]++;
    }
    assertTrue(counts[0] >= 6_000 && counts[0] <= 14_000, "about a quarter: " + Arrays.toString(counts));
  }

  @Test
  void smallWeightsStillGiveEachTargetEnoughPointsToSpreadEvenly() {
    Balancer balancer = Balancer.create("hash", FOUR.subList(0, 3), new int[] {1, 1, 1}, null);
    int[] counts = new int[3];
    for (int k = 0; k < 30_000; k++) {
      counts[balancer.pick("user-" + k, t -> true)]++;
    }
    for (int count : counts) {
      assertTrue(count >= 6_000 && count <= 14_100, "between 20% and 47%: " + Arrays.toString(counts));
    }
  }

  @Test
  void anUnusableTargetsKeysGoToTheOthersAndTheOtherKeysStay() {
    Balancer balancer = ring(FOUR);
    String[] withoutSecond = owners(List.of(FOUR.get(0), FOUR.get(2), FOUR.get(3)), KEYS);
    for (int k = 0; k < KEYS; k++) {
      int usual = balancer.pick("user-" + k, t -> true);
      int meanwhile = balancer.pick("user-" + k, t -> t != 1);
      assertNotEquals(1, meanwhile);
      if (usual != 1) {
        assertEquals(usual, meanwhile, "key " + k + " moved though its target is usable");
      }
      // the walk lands where a ring without that target would have put the key
      assertEquals(withoutSecond[k], FOUR.get(meanwhile));
    }
  }

  @Property(tries = 200)
  void aPickSkippingSomeTargetsEqualsAPickOnARingWithoutThem(
      @ForAll String key, @ForAll @Size(min = 4, max = 4) List<Boolean> usable) {
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      if (usable.get(i)) {
        kept.add(FOUR.get(i));
      }
    }
    int picked = ring(FOUR).pick(key, usable::get);
    if (key.isEmpty()) {
      assertTrue(kept.isEmpty() ? picked == -1 : usable.get(picked));
    } else if (kept.isEmpty()) {
      assertEquals(-1, picked);
    } else {
      assertEquals(kept.get(ring(kept).pick(key, t -> true)), FOUR.get(picked));
    }
  }

  @Test
  void withoutAKeyRequestsAreSpreadByWeightedRoundRobin() {
    Balancer balancer = Balancer.create("hash", FOUR.subList(0, 3), new int[] {200, 100, 100}, null);
    int[] picks = new int[8];
    for (int i = 0; i < picks.length; i++) {
      picks[i] = balancer.pick(i % 2 == 0 ? null : "", t -> true);
    }
    assertArrayEquals(new int[] {0, 1, 2, 0, 0, 1, 2, 0}, picks);
  }

  @Test
  void aWalkPastManyUnusableTargetsAsksEachTargetOnce() {
    Balancer balancer = ring(FOUR);
    int[] asked = new int[4];
    assertEquals(-1, balancer.pick("user-1", t -> {
      asked[t]++;
      return false;
    }));
    assertArrayEquals(new int[] {1, 1, 1, 1}, asked);
  }

  @Test
  void theHashIsFnv1aOfTheUtf8BytesWithMurmursFinalizer() {
    for (String s : Set.of("", "a", "user-42", "http://10.0.0.1:80#159", "é", "日本", "\uD83D\uDE00 smile", "ß\u0000x")) {
      assertEquals(reference(s), HashRing.hash(s), s);
    }
  }

  @Test
  void theHashIsStableAcrossReleases() {
    // a change here would move keys between targets on an upgrade, and nodes of different versions would disagree
    assertEquals(0xa39532c7ab051e8dL, HashRing.hash("user-42"));
  }

  private static long reference(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
