package dev.portico.gateway.upstream;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Consistent hashing: the same key goes to the same target as long as that target is usable, on
 * every node and across reloads, and when a target leaves (or comes) only the keys it held (or
 * takes) move — about one in n, where a modulo would move nearly all of them.
 *
 * <p>Each target owns points on a ring of 64-bit hashes, the hashes of {@code id + "#" + i}; a key
 * belongs to the first point at or after its own hash, going round. A pick walks on past the points
 * of unusable targets, so an unhealthy target's keys spread over the others (each point's keys go
 * to the next usable owner) and come back to it when it recovers, while every other key stays put.
 *
 * <p>A request without a key (its {@code hashOn} value is null or empty) has nothing to stick to:
 * it is spread by weighted round-robin among the usable targets, as if the upstream were {@code
 * round-robin}.
 *
 * <p>Points per target: 160 for the default weight of 100, in proportion to the weight, so weights
 * hold here too. With 160 points, a target's share of the ring is typically within a tenth of its
 * weight's, rarely off by more than a quarter. So that light targets are not left with a handful of
 * points, when the lightest weight is under 25 every count is scaled up until it has {@value
 * #MIN_POINTS}. A target's points depend only on its id and its count, so a change of targets moves
 * no other key unless it changes the lightest weight. A target has at most {@value #MAX_POINTS}
 * points (weights more than 250 times apart are not exactly honoured), which keeps the ring small.
 */
final class HashRing implements Balancer {

  static final int POINTS_PER_100 = 160;
  static final int MIN_POINTS = 40;
  static final int MAX_POINTS = 10_000;

  /** The points' hashes, in ascending (signed) order. */
  private final long[] points;
  /** The target owning each point. */
  private final int[] owners;
  private final int targets;
  private final SmoothRoundRobin withoutKey;

  HashRing(List<String> ids, int[] weights) {
    this.targets = ids.size();
    this.withoutKey = new SmoothRoundRobin(weights);
    int lightest = Arrays.stream(weights).filter(w -> w > 0).min().orElse(1);
    double perWeight = Math.max(POINTS_PER_100 / 100.0, (double) MIN_POINTS / lightest);
    int total = 0;
    int[] counts = new int[weights.length];
    for (int t = 0; t < weights.length; t++) {
      counts[t] = weights[t] == 0 ? 0 : (int) Math.min(MAX_POINTS, Math.max(1, Math.round(weights[t] * perWeight)));
      total += counts[t];
    }
    long[][] ring = new long[total][];
    int n = 0;
    for (int t = 0; t < weights.length; t++) {
      for (int i = 0; i < counts[t]; i++) {
        ring[n++] = new long[] {hash(ids.get(t) + "#" + i), t};
      }
    }
    // the owner breaks ties so that two nodes build the same ring even if two points collide
    Arrays.sort(ring, Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
    this.points = new long[total];
    this.owners = new int[total];
    for (int p = 0; p < total; p++) {
      points[p] = ring[p][0];
      owners[p] = (int) ring[p][1];
    }
  }

  @Override
  public int pick(String hashKey, IntPredicate usable) {
    if (hashKey == null || hashKey.isEmpty()) {
      return withoutKey.pick(usable);
    }
    if (points.length == 0) {
      return -1;
    }
    int start = firstAtOrAfter(hash(hashKey));
    // up to 64 targets, remember the ones found unusable: each is asked once, and the walk ends as
    // soon as all are known unusable instead of going round the whole ring
    long unusable = 0;
    int unusableCount = 0;
    boolean remember = targets <= 64;
    for (int step = 0; step < points.length; step++) {
      int owner = owners[(start + step) % points.length];
      if (remember && (unusable & (1L << owner)) != 0) {
        continue;
      }
      if (usable.test(owner)) {
        return owner;
      }
      if (remember) {
        unusable |= 1L << owner;
        if (++unusableCount == targets) {
          break;
        }
      }
    }
    return -1;
  }

  /** The index of the first point at or after {@code h}, going round to 0 past the last one. */
  private int firstAtOrAfter(long h) {
    int low = 0;
    int high = points.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (points[mid] < h) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low == points.length ? 0 : low;
  }

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /**
   * FNV-1a over the string's UTF-8 bytes, then murmur3's 64-bit finalizer. FNV-1a is a few lines
   * and needs no byte array, but strings that differ only in their last characters ({@code a#1},
   * {@code a#2}) get hashes that differ mostly in their low bits, which would bunch a target's
   * points on the ring; the finalizer spreads every input bit over all 64. Stable: nodes and
   * releases must agree on where a key goes. (A lone surrogate counts as its 3-byte encoding.)
   */
  static long hash(String s) {
    long h = FNV_OFFSET;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      i += Character.charCount(c);
      if (c < 0x80) {
        h = (h ^ c) * FNV_PRIME;
      } else if (c < 0x800) {
        h = (h ^ (0xc0 | c >> 6)) * FNV_PRIME;
        h = (h ^ (0x80 | c & 0x3f)) * FNV_PRIME;
      } else if (c < 0x10000) {
        h = (h ^ (0xe0 | c >> 12)) * FNV_PRIME;
        h = (h ^ (0x80 | c >> 6 & 0x3f)) * FNV_PRIME;
        h = (h ^ (0x80 | c & 0x3f)) * FNV_PRIME;
      } else {
        h = (h ^ (0xf0 | c >> 18)) * FNV_PRIME;
        h = (h ^ (0x80 | c >> 12 & 0x3f)) * FNV_PRIME;
        h = (h ^ (0x80 | c >> 6 & 0x3f)) * FNV_PRIME;
        h = (h ^ (0x80 | c & 0x3f)) * FNV_PRIME;
      }
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
