package dev.portico.plugins.httpauthorizer;

import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The authorizer's decisions by key, each reused until its time is up, at most {@code maxEntries}
 * of them. A lookup of a key whose decision is still being made shares that decision instead of
 * making another (single flight), so a burst of requests with a new token costs one call.
 *
 * <p>Only decisions marked cacheable are kept once made; the others (the authorizer could not be
 * asked) are forgotten as soon as the requests waiting for them have them, so the next request
 * asks again.
 *
 * @implNote The futures handed out are not bound to a Vert.x context: a decision made on one event
 *     loop completes the futures of requests from other event loops on that loop, so callers move
 *     back to their own (see {@link HttpAuthorizer}). Keys are digests, never the identity itself.
 */
final class DecisionCache {

  /** What the authorizer decided: a principal, or a rejection; {@code cacheable} when it may be reused. */
  record Decision(Principal principal, Rejection rejection, boolean cacheable) {

    static Decision allow(Principal principal) {
      return new Decision(principal, null, true);
    }

    static Decision deny(Rejection rejection) {
      return new Decision(null, rejection, true);
    }

    static Decision unavailable(Rejection rejection) {
      return new Decision(null, rejection, false);
    }
  }

  private static final class Entry {
    final Promise<Decision> decision = Promise.promise();
    /** When the decision expires (nanos); meaningful once {@link #kept}. */
    volatile long expiresAt;
    volatile boolean kept;
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicBoolean evicting = new AtomicBoolean();
  private final long ttlNanos;
  private final int maxEntries;
  private final LongSupplier nanos;

  DecisionCache(long ttlNanos, int maxEntries, LongSupplier nanos) {
    this.ttlNanos = ttlNanos;
    this.maxEntries = maxEntries;
    this.nanos = nanos;
  }

  /** The decision for {@code key}: a kept one, the one being made, or a new one from {@code decide}. */
  Future<Decision> get(String key, Supplier<Future<Decision>> decide) {
    while (true) {
      Entry existing = entries.get(key);
      if (existing != null) {
        if (!existing.kept || nanos.getAsLong() - existing.expiresAt < 0) {
          return existing.decision.future();
        }
        entries.remove(key, existing); // expired
        continue;
      }
      Entry mine = new Entry();
      if (entries.putIfAbsent(key, mine) != null) {
        continue; // another request started deciding this key first: share its decision
      }
      if (entries.size() > maxEntries) {
        evict();
      }
      Future<Decision> decided;
      try {
        decided = decide.get();
      } catch (RuntimeException | Error e) {
        entries.remove(key, mine);
        mine.decision.fail(e);
        return mine.decision.future();
      }
      decided.onComplete(ar -> {
        if (ar.succeeded() && ar.result().cacheable() && ttlNanos > 0) {
          mine.expiresAt = nanos.getAsLong() + ttlNanos;
          mine.kept = true;
        } else {
          entries.remove(key, mine);
        }
        mine.decision.handle(ar);
      });
      return mine.decision.future();
    }
  }

  /** Drops expired decisions, then, if still over the bound, kept decisions in no particular order. */
  private void evict() {
    if (!evicting.compareAndSet(false, true)) {
      return;
    }
    try {
      long now = nanos.getAsLong();
      entries.values().removeIf(e -> e.kept && now - e.expiresAt >= 0);
      int target = maxEntries - maxEntries / 10;
      Iterator<Entry> it = entries.values().iterator();
      while (entries.size() > target && it.hasNext()) {
        if (it.next().kept) {
          it.remove();
        }
      }
    } finally {
      evicting.set(false);
    }
  }

  int size() {
    return entries.size();
  }

  void clear() {
    entries.clear();
  }
}
