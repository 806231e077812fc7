package dev.portico.gateway.counters;

import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counters in this node's memory ({@code counters.store: local}): exact for one node, not shared.
 *
 * <p>Each decision locks only its own key, for the few arithmetic operations it takes, so it never
 * blocks an event loop for long. Keys that carry no information any more (a bucket that has
 * refilled completely, a window that is over) are dropped by {@link #evictIdle()}, which the
 * gateway calls periodically, so many distinct keys do not accumulate: a dropped bucket and a new
 * one are the same thing, since buckets start full.
 *
 * @implNote Eviction and decisions race on the same key: a decision may find a bucket that
 *     {@link #evictIdle()} is removing. Each counter therefore carries an {@code evicted} flag, set
 *     under the counter's lock as it is removed; a decision that finds it set starts over on the
 *     map's current counter. Without it a token taken from a bucket being evicted would be lost, and
 *     the next request would find a new, full bucket: one request too many.
 */
public final class LocalCounterStore implements CounterStore {

  /**
   * Tolerance on a token count: refills are computed in floating point, and a client that waits
   * exactly the announced delay must find its token, not 0.9999999999 of one.
   */
  private static final double EPSILON = 1e-9;

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private final Clock clock;

  public LocalCounterStore() {
    this(System::nanoTime, Clock.systemUTC());
  }

  /**
   * For tests: controllable time.
   *
   * @param nanos a monotonic time in nanoseconds, for token buckets (like {@link System#nanoTime()})
   * @param clock wall-clock time, for calendar windows
   */
  public LocalCounterStore(LongSupplier nanos, Clock clock) {
    this.nanos = nanos;
    this.clock = clock;
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond) || burst < 1) {
      return Future.failedFuture(new IllegalArgumentException(
          "a token bucket needs a positive rate and a burst of at least 1 (rate " + ratePerSecond + ", burst " + burst + ")"));
    }
    while (true) {
      long now = nanos.getAsLong();
      Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
      synchronized (bucket) {
        if (bucket.evicted) {
          continue;
        }
        bucket.refill(now, ratePerSecond, burst);
        if (bucket.tokens >= 1 - EPSILON) {
          bucket.tokens = Math.max(0, bucket.tokens - 1);
          Duration untilFull = seconds((burst - bucket.tokens) / ratePerSecond);
          return Future.succeededFuture(ThrottleDecision.admit(burst, (long) Math.floor(bucket.tokens + EPSILON),
              untilFull, once(() -> bucket.giveBack(burst))));
        }
        return Future.succeededFuture(ThrottleDecision.reject(burst, seconds((1 - bucket.tokens) / ratePerSecond)));
      }
    }
  }

  @Override
  public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
    if (limit < 1 || period == null) {
      return Future.failedFuture(new IllegalArgumentException(
          "a window needs a limit of at least 1 and a period (limit " + limit + ", period " + period + ")"));
    }
    while (true) {
      long nowMillis = clock.millis();
      CalendarWindows.Span span = CalendarWindows.of(period, nowMillis);
      // the window's start is part of the key: a new window is a new counter, the old one expires
      String windowKey = key + '@' + period + '@' + span.startMillis();
      Window window = windows.computeIfAbsent(windowKey, k -> new Window(span.endMillis()));
      Duration reset = Duration.ofMillis(span.endMillis() - nowMillis);
      synchronized (window) {
        if (window.evicted) {
          continue;
        }
        if (window.count >= limit) {
          return Future.succeededFuture(ThrottleDecision.reject(limit, reset));
        }
        window.count++;
        return Future.succeededFuture(ThrottleDecision.admit(limit, limit - window.count, reset,
            once(window::giveBack)));
      }
    }
  }

  /**
   * Drops buckets that have refilled completely and windows that are over. Takes each key's lock
   * briefly, one key at a time; with many keys run it off the event loops.
   */
  public void evictIdle() {
    long now = nanos.getAsLong();
    long nowMillis = clock.millis();
    for (Map.Entry<String, Bucket> e : buckets.entrySet()) {
      Bucket b = e.getValue();
      synchronized (b) {
        if (b.isFullAt(now)) {
          b.evicted = true;
          buckets.remove(e.getKey(), b);
        }
      }
    }
    for (Map.Entry<String, Window> e : windows.entrySet()) {
      Window w = e.getValue();
      synchronized (w) {
        if (w.endMillis <= nowMillis) {
          w.evicted = true;
          windows.remove(e.getKey(), w);
        }
      }
    }
  }

  /** How many keys are held (for tests and metrics). */
  public int size() {
    return buckets.size() + windows.size();
  }

  /**
   * Rounded up to the nanosecond, so that waiting the announced delay is always enough; but what is
   * a nanosecond only through floating-point noise (0.4 s computed as 400000000.00000006 ns) stays
   * that nanosecond.
   */
  private static Duration seconds(double s) {
    return Duration.ofNanos((long) Math.ceil(s * 1e9 - 1e-6));
  }

  /** A refund the gateway may call at most once; a second call gives nothing back twice. */
  private static Supplier<Future<Void>> once(Runnable giveBack) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        giveBack.run();
      }
      return Future.succeededFuture();
    };
  }

  /** Tokens as of {@code last}; guarded by its own monitor. */
  private static final class Bucket {
    double tokens;
    long last;
    double rate;
    long burst;
    boolean evicted;

    Bucket(long burst, long now) {
      this.tokens = burst;
      this.burst = burst;
      this.last = now;
      this.rate = 1;
    }

    void refill(long now, double rate, long burst) {
      long elapsed = now - last;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed / 1e9 * rate);
        last = now;
      }
      this.rate = rate;
      this.burst = burst;
    }

    boolean isFullAt(long now) {
      long elapsed = Math.max(0, now - last);
      return tokens + elapsed / 1e9 * rate >= burst - EPSILON;
    }

    synchronized void giveBack(long burst) {
      // an evicted bucket was full: there is nothing to give back to, and the next one starts full
      if (!evicted) {
        tokens = Math.min(burst, tokens + 1);
      }
    }
  }

  /** A count in one calendar window; guarded by its own monitor. */
  private static final class Window {
    final long endMillis;
    long count;
    boolean evicted;

    Window(long endMillis) {
      this.endMillis = endMillis;
    }

    synchronized void giveBack() {
      if (count > 0) {
        count--;
      }
    }
  }
}
