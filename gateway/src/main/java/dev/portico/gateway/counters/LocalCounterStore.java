package dev.portico.gateway.counters;

import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counters in this node's memory ({@code counters.store: local}): exact for one node, not shared.
 *
 * <p>Each decision locks only its own key. Keys that carry no information any more (a bucket that
 * has refilled, a window that is over) are dropped by {@link #evictIdle()}, which the gateway calls
 * periodically, so many distinct keys do not accumulate.
 */
public final class LocalCounterStore implements CounterStore {

  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  private final LongSupplier nanos;
  private final Clock clock;

  public LocalCounterStore() {
    this(System::nanoTime, Clock.systemUTC());
  }

  /** For tests: a controllable time source. */
  public LocalCounterStore(LongSupplier nanos, Clock clock) {
    this.nanos = nanos;
    this.clock = clock;
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    long now = nanos.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    synchronized (bucket) {
      bucket.refill(now, ratePerSecond, burst);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        double missing = burst - bucket.tokens;
        return Future.succeededFuture(ThrottleDecision.admit(burst, (long) Math.floor(bucket.tokens),
            seconds(missing / ratePerSecond), () -> {
              synchronized (bucket) {
                bucket.tokens = Math.min(burst, bucket.tokens + 1);
              }
              return Future.succeededFuture();
            }));
      }
      return Future.succeededFuture(ThrottleDecision.reject(burst, seconds((1 - bucket.tokens) / ratePerSecond)));
    }
  }

  @Override
  public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
    long nowMillis = clock.millis();
    CalendarWindows.Span span = CalendarWindows.of(period, nowMillis);
    String windowKey = key + '@' + span.startMillis();
    Window window = windows.computeIfAbsent(windowKey, k -> new Window(span.endMillis()));
    Duration reset = Duration.ofMillis(span.endMillis() - nowMillis);
    synchronized (window) {
      if (window.count >= limit) {
        return Future.succeededFuture(ThrottleDecision.reject(limit, reset));
      }
      window.count++;
      return Future.succeededFuture(ThrottleDecision.admit(limit, limit - window.count, reset, () -> {
        synchronized (window) {
          window.count = Math.max(0, window.count - 1);
        }
        return Future.succeededFuture();
      }));
    }
  }

  /** Drops buckets that have refilled completely and windows that are over. */
  public void evictIdle() {
    long now = nanos.getAsLong();
    long nowMillis = clock.millis();
    buckets.values().removeIf(b -> {
      synchronized (b) {
        return b.fullAt != 0 && now - b.fullAt >= 0;
      }
    });
    windows.values().removeIf(w -> w.endMillis <= nowMillis);
  }

  /** How many keys are held (for tests and metrics). */
  public int size() {
    return buckets.size() + windows.size();
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos((long) Math.ceil(s * 1_000_000_000L));
  }

  private static final class Bucket {
    double tokens;
    long last;
    /** When the bucket will be full again (nanos), or 0 when it never was drawn from. */
    long fullAt;

    Bucket(long burst, long now) {
      this.tokens = burst;
      this.last = now;
    }

    void refill(long now, double rate, long burst) {
      double elapsed = (now - last) / 1e9;
      if (elapsed > 0) {
        tokens = Math.min(burst, tokens + elapsed * rate);
        last = now;
      }
      fullAt = now + (long) Math.ceil((burst - tokens + 1) / rate * 1e9);
    }
  }

  private static final class Window {
    final long endMillis;
    long count;

    Window(long endMillis) {
      this.endMillis = endMillis;
    }
  }
}
