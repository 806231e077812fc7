package dev.portico.gateway.counters;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Counters in a Hazelcast map shared by the members of a cluster ({@code counters.store:
 * hazelcast}): exact across nodes.
 *
 * @implNote Each decision is an entry processor run by the member that owns the key, on the key's
 *     partition thread: atomic without locks, one network hop, and no node ever reads a counter
 *     and writes it back. The processors are gateway classes, which every member has (a plugin's
 *     classes may not be on a remote member). Time is the owning member's clock, so one key is
 *     always judged by one clock whatever node the request came to. Each entry carries its own
 *     time-to-live (a bucket until it would be full again, a window until it ends), so idle keys
 *     leave the map by themselves. The backup replica is given the primary's resulting value, not
 *     asked to recompute it with its own clock. Every call is bounded by a timeout from dispatch.
 */
public final class HazelcastCounterStore implements CounterStore {

  /** The map holding every counter. */
  public static final String MAP = "portico-counters";

  private final Vertx vertx;
  private final IMap<String, long[]> map;
  private final long timeoutMillis;

  public HazelcastCounterStore(Vertx vertx, HazelcastInstance hazelcast, Duration timeout) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    String k = "tb:" + key;
    return submit(k, new TakeToken(ratePerSecond, burst, 1)).map(r -> {
      if (r[0] == 1) {
        return ThrottleDecision.admit(burst, r[1], Duration.ofMillis(r[2]),
            () -> submit(k, new TakeToken(ratePerSecond, burst, -1)).mapEmpty());
      }
      return ThrottleDecision.reject(burst, Duration.ofMillis(r[2]));
    });
  }

  @Override
  public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
    String k = "w:" + period.name() + ":" + key;
    return submit(k, new AddToWindow(limit, period, 0)).map(r -> {
      Duration reset = Duration.ofMillis(Math.max(0, r[2]));
      if (r[0] == 1) {
        long windowStart = r[3];
        return ThrottleDecision.admit(limit, limit - r[1], reset,
            () -> submit(k, new AddToWindow(limit, period, windowStart)).mapEmpty());
      }
      return ThrottleDecision.reject(limit, reset);
    });
  }

  private Future<long[]> submit(String key, EntryProcessor<String, long[], long[]> processor) {
    return Future.fromCompletionStage(map.submitToKey(key, processor), vertx.getOrCreateContext())
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes ({@code cost} 1) or gives back (-1) a token. The entry is {tokens in millionths, time of
   * the last refill in ms}; the result {allowed, remaining, ms to full (admitted) or to the next
   * token (rejected)}.
   */
  static final class TakeToken extends Primary {
    private static final long serialVersionUID = 1L;
    private final double rate;
    private final long burst;
    private final int cost;

    TakeToken(double rate, long burst, int cost) {
      this.rate = rate;
      this.burst = burst;
      this.cost = cost;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
      long now = System.currentTimeMillis();
      long[] state = entry.getValue();
      double tokens = state == null ? burst : state[0] / 1e6;
      long last = state == null ? now : state[1];
      tokens = Math.min(burst, tokens + Math.max(0, now - last) / 1000.0 * rate);
      boolean allowed;
      if (cost < 0) {
        tokens = Math.min(burst, tokens - cost);
        allowed = true;
      } else if (tokens >= cost) {
        tokens -= cost;
        allowed = true;
      } else {
        allowed = false;
      }
      long toFull = (long) Math.ceil((burst - tokens) / rate * 1000);
      store(entry, new long[] {Math.round(tokens * 1e6), now}, toFull + 1000);
      if (allowed) {
        return new long[] {1, (long) Math.floor(tokens), toFull};
      }
      return new long[] {0, 0, (long) Math.ceil((cost - tokens) / rate * 1000)};
    }
  }

  /**
   * Adds one to the current calendar window unless at the limit ({@code refundFrom} 0), or takes
   * one back from the window that started at {@code refundFrom}. The entry is {window start, count};
   * the result {allowed, count, ms to the window's end, window start}.
   */
  static final class AddToWindow extends Primary {
    private static final long serialVersionUID = 1L;
    private final long limit;
    private final QuotaPeriod period;
    private final long refundFrom;

    AddToWindow(long limit, QuotaPeriod period, long refundFrom) {
      this.limit = limit;
      this.period = period;
      this.refundFrom = refundFrom;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
      long now = System.currentTimeMillis();
      CalendarWindows.Span span = CalendarWindows.of(period, now);
      long[] state = entry.getValue();
      long count = state != null && state[0] == span.startMillis() ? state[1] : 0;
      long ttl = span.endMillis() - now + 1000;
      if (refundFrom != 0) {
        if (state != null && state[0] == refundFrom && state[1] > 0) {
          store(entry, new long[] {state[0], state[1] - 1}, Math.max(1000, ttl));
        }
        return new long[] {1, 0, 0, refundFrom};
      }
      long left = span.endMillis() - now;
      if (count >= limit) {
        return new long[] {0, count, left, span.startMillis()};
      }
      count++;
      store(entry, new long[] {span.startMillis(), count}, ttl);
      return new long[] {1, count, left, span.startMillis()};
    }
  }

  /**
   * An entry processor whose backup replica receives the value the primary computed (with its TTL),
   * rather than running the decision again against another member's clock.
   */
  abstract static class Primary implements EntryProcessor<String, long[], long[]> {
    private static final long serialVersionUID = 1L;
    private transient long[] written;
    private transient long ttlMillis;

    final void store(Map.Entry<String, long[]> entry, long[] value, long ttl) {
      ((ExtendedMapEntry<String, long[]>) entry).setValue(value, ttl, TimeUnit.MILLISECONDS);
      this.written = value;
      this.ttlMillis = ttl;
    }

    @Override
    public EntryProcessor<String, long[], long[]> getBackupProcessor() {
      return written == null ? null : new Replicate(written, ttlMillis);
    }
  }

  /** Writes on the backup exactly what the primary wrote. */
  static final class Replicate implements EntryProcessor<String, long[], long[]> {
    private static final long serialVersionUID = 1L;
    private final long[] value;
    private final long ttlMillis;

    Replicate(long[] value, long ttlMillis) {
      this.value = value;
      this.ttlMillis = ttlMillis;
    }

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
      ((ExtendedMapEntry<String, long[]>) entry).setValue(value, ttlMillis, TimeUnit.MILLISECONDS);
      return null;
    }
  }
}
