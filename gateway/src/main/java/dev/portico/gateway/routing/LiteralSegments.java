package dev.portico.gateway.routing;

import java.util.Map;

/**
 * The literal children of one trie node: an open-addressing hash table looked up by a region of
 * the request path, so that matching a segment needs no substring.
 *
 * @implNote The hash of a region is computed with {@link String#hashCode()}'s formula, so a key's
 *     cached hash code and the region's hash agree without copying the region.
 */
final class LiteralSegments<N> {

  private final String[] keys;
  private final int[] hashes;
  private final Object[] children;
  private final int mask;

  LiteralSegments(Map<String, N> byText) {
    int capacity = Integer.highestOneBit(Math.max(1, byText.size()) * 2 + 1) << 1;   // load below 1/2: a free slot ends every probe
    keys = new String[capacity];
    hashes = new int[capacity];
    children = new Object[capacity];
    mask = capacity - 1;
    for (Map.Entry<String, N> e : byText.entrySet()) {
      int h = spread(e.getKey().hashCode());
      int i = h & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = e.getKey();
      hashes[i] = h;
      children[i] = e.getValue();
    }
  }

  /** The child for the segment {@code path[from, to)}, or null. */
  @SuppressWarnings("unchecked")
  N get(String path, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + path.charAt(i);
    }
    h = spread(h);
    int length = to - from;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      String key = keys[i];
      if (key == null) {
        return null;
      }
      if (hashes[i] == h && key.length() == length && path.regionMatches(from, key, 0, length)) {
        return (N) children[i];
      }
    }
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}
