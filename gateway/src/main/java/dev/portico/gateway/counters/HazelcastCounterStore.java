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
 * @implNote When a member stops (shut down or crashed) with decisions in flight, what the survivors
 *     admit stays within those decisions of the exact count. Keys it did not own keep their counts
 *     on their owners: exact, except that a decision the stopped member had sent and never saw
 *     answered may have counted (its caller gets a failure, so it admitted nothing: the key admits
 *     less, never more). Keys it owned continue on their backup replicas, which hold every increment
 *     whose answer was received: Hazelcast completes a call only once the backup has acknowledged
 *     it, and re-runs it on the new owner when the primary dies first. A decision in flight to the
 *     stopped member may therefore be counted twice (it had reached the backup), or, if the member
 *     is not noticed as gone within Hazelcast's backup acknowledgement timeout
 *     ({@code hazelcast.operation.backup.timeout.millis}, 5 s), answered without its backup. The
 *     bound, per stopped member: for a key it did not own, at most the limit, and at most its own
 *     failed decisions under it; for the keys it owned, within the decisions in flight to it of the
 *     exact count. Decisions waiting for a backup acknowledgement from the stopped member wait up
 *     to that timeout: past the store's own timeout they fail, and {@code onStoreFailure} applies.
 */
public final class HazelcastCounterStore implements CounterStore, TokenBatches, AutoCloseable {

  /** The map holding every counter. */
  public static final String MAP = "portico-counters";

  private final Vertx vertx;
  private final IMap<String, long[]> map;
  private final long timeoutMillis;
  private BatchedCounterStore batched;

  public HazelcastCounterStore(Vertx vertx, HazelcastInstance hazelcast, Duration timeout) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    String k = "tb:" + key;
    return submit(k, new TakeToken(ratePerSecond, burst, 1)).map(r -> {
      if (r[0] > 0) {
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

  @Override
  public Future<Grant> takeTokens(String key, double ratePerSecond, long burst, long max) {
    return submit("tb:" + key, new TakeToken(ratePerSecond, burst, max)).map(r -> new Grant(r[0], r[1], r[2]));
  }

  @Override
  public Future<Void> giveBack(String key, double ratePerSecond, long burst, long tokens) {
    return submit("tb:" + key, new TakeToken(ratePerSecond, burst, -tokens)).mapEmpty();
  }

  /** The view of {@link CounterStore#batched()}: one per store, created on first use, closed with the store. */
  @Override
  public synchronized CounterStore batched() {
    if (batched == null) {
      batched = new BatchedCounterStore(vertx, this, this, BatchedCounterStore.RETURN_EVERY);
    }
    return batched;
  }

  /** Gives back what the batched view holds; the cluster itself belongs to the caller. */
  @Override
  public synchronized void close() {
    if (batched != null) {
      batched.close();
    }
  }

  private Future<long[]> submit(String key, EntryProcessor<String, long[], long[]> processor) {
    try {
      return Future.fromCompletionStage(map.submitToKey(key, processor), vertx.getOrCreateContext())
          .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) { // e.g. this member has stopped: a failed decision, not an exception in the pipeline
      return Future.failedFuture(e);
    }
  }

  /**
   * Takes up to {@code cost} tokens (as many whole ones as there are, none if less than one), or
   * gives back {@code -cost}. The entry is {tokens in millionths, time of the last refill in ms};
   * the result {tokens taken (given back: 1), remaining, ms to full (taken) or to the next token
   * (none taken)}.
   */
  static final class TakeToken extends Primary {
    private static final long serialVersionUID = 1L;
    private final double rate;
    private final long burst;
    private final long cost;

    TakeToken(double rate, long burst, long cost) {
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
      long taken;
      if (cost < 0) {
        tokens = Math.min(burst, tokens - cost);
        taken = 1;
      } else {
        taken = Math.min(cost, (long) Math.floor(tokens));
        tokens -= taken;
      }
      long toFull = (long) Math.ceil((burst - tokens) / rate * 1000);
      store(entry, new long[] {Math.round(tokens * 1e6), now}, toFull + 1000);
      if (taken > 0) {
        return new long[] {taken, (long) Math.floor(tokens), toFull};
      }
      return new long[] {0, 0, (long) Math.ceil((1 - tokens) / rate * 1000)};
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
