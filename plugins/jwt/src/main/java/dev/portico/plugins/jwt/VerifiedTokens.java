package dev.portico.plugins.jwt;

import dev.portico.spi.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tokens that passed every check, so that a client reusing its token is not verified again on each
 * request: an RS256 verification costs about as much CPU as a whole proxied request.
 *
 * <p>Keyed by the SHA-256 of the token, never the token itself, so a heap dump does not hold
 * usable credentials. An entry lives until the token's {@code exp} or {@code maxAge}, whichever
 * comes first. Only allowed tokens are remembered: a denial may stop being one (a rotated key
 * arrives, {@code nbf} passes).
 *
 * @implNote Reads are lock-free ({@link ConcurrentHashMap}); every event loop shares one instance.
 *     The bound is kept on insertion: expired entries go first, then arbitrary ones. That is
 *     cruder than LRU but needs no lock on the read path, and a full cache of live tokens only
 *     means some clients are verified again.
 */
final class VerifiedTokens {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  });

  private record Entry(Principal principal, long expiresAtMillis) {}

  private final ConcurrentHashMap<Digest, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicInteger evicting = new AtomicInteger();
  private final int maxSize;
  private final long maxAgeMillis;

  VerifiedTokens(int maxSize, long maxAgeMillis) {
    this.maxSize = maxSize;
    this.maxAgeMillis = maxAgeMillis;
  }

  /** The principal of a token verified before and still fresh, or null. */
  Principal get(String token, long nowMillis) {
    if (maxSize == 0) {
      return null;
    }
    Digest key = Digest.of(token);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (nowMillis >= e.expiresAtMillis) {
      entries.remove(key, e);
      return null;
    }
    return e.principal;
  }

  /**
   * Remembers a token that passed every check.
   *
   * @param expMillis the token's {@code exp} in milliseconds, or {@link Long#MAX_VALUE} without one
   */
  void put(String token, Principal principal, long expMillis, long nowMillis) {
    if (maxSize == 0) {
      return;
    }
    long expiresAt = Math.min(expMillis, nowMillis + maxAgeMillis);
    if (expiresAt <= nowMillis) {
      return;
    }
    if (entries.size() >= maxSize) {
      makeRoom(nowMillis);
    }
    entries.put(Digest.of(token), new Entry(principal, expiresAt));
  }

  int size() {
    return entries.size();
  }

  void clear() {
    entries.clear();
  }

  /** Drops expired entries, then arbitrary ones down to 90% of the bound; one thread at a time. */
  private void makeRoom(long nowMillis) {
    if (!evicting.compareAndSet(0, 1)) {
      return;
    }
    try {
      entries.values().removeIf(e -> nowMillis >= e.expiresAtMillis);
      int target = maxSize - Math.max(1, maxSize / 10);
      Iterator<Digest> it = entries.keySet().iterator();
      while (entries.size() > target && it.hasNext()) {
        it.next();
        it.remove();
      }
    } finally {
      evicting.set(0);
    }
  }

  /** The SHA-256 of a token, as a map key. */
  private static final class Digest {
    private final byte[] bytes;
    private final int hash;

    private Digest(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    static Digest of(String token) {
      return new Digest(SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
