package dev.portico.gateway.counters;

import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The batched view of a shared store ({@link CounterStore#batched()}, {@code rate-limit}'s
 * {@code strict: false}): token buckets decided on this node from allowances taken from the shared
 * bucket a {@link #batchSize batch} at a time (a bucket whose batch would be one token, a burst of
 * 10 or less, is decided by the exact store); calendar windows decided by the exact store.
 *
 * <p>For each bucket the node holds an allowance: tokens taken from the shared bucket and not yet
 * spent. A request spends one without a network hop. When the allowance is empty, one request
 * fetches the next batch (as many whole tokens as the shared bucket holds, up to a batch) and the
 * requests that arrive meanwhile wait for that fetch instead of starting their own; when the shared
 * bucket had no token, they are refused with its retry time. Every {@code returnEvery}, what is left
 * of each allowance goes back to the shared bucket, so tokens do not sit idle on one node while
 * another needs them, and buckets nobody uses any more leave this node's memory.
 *
 * @implNote Why the bound stated in {@link CounterStore#batched()} holds. A node fetches only when
 *     its allowance is empty and no fetch is in flight, and a fetch brings at most a batch: a node
 *     never holds more than one batch of a bucket. Every admitted request spent a token that was
 *     taken from the shared bucket, which is exact; so in any interval the nodes admit at most what
 *     they held at its start (at most {@code n} batches) plus what they took during it, and what
 *     they took is what the exact bucket would have admitted (tokens given back only make it take
 *     more of what it had already counted as given). A refund (a later throttler refused the
 *     request) goes to the shared bucket, not to the allowance, so an allowance never exceeds a
 *     batch. A node refuses only after a fetch found the shared bucket without a whole token: what
 *     the bucket still has then is in the other nodes' allowances, at most {@code n - 1} batches,
 *     back in the shared bucket within {@code returnEvery}.
 */
public final class BatchedCounterStore implements CounterStore, AutoCloseable {

  /**
   * How often the shared stores' views give unspent allowances back: a token sits idle on a node
   * for about a second at most, and an active bucket costs two more round trips a second.
   */
  static final Duration RETURN_EVERY = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final CounterStore exact;
  private final TokenBatches batches;
  private final long timer;
  private final ConcurrentHashMap<String, Allowance> allowances = new ConcurrentHashMap<>();

  /**
   * @param exact decides what is not batched (calendar windows)
   * @param batches the same store's buckets, several tokens at a time
   * @param returnEvery how often unspent allowances go back to the shared buckets
   */
  BatchedCounterStore(Vertx vertx, CounterStore exact, TokenBatches batches, Duration returnEvery) {
    this.vertx = vertx;
    this.exact = exact;
    this.batches = batches;
    // on a worker, one at a time: with many buckets a sweep takes longer than an event loop may be held
    this.timer = vertx.setPeriodic(returnEvery.toMillis(), id -> vertx.executeBlocking(() -> {
      giveBackAll();
      return null;
    }));
  }

  /**
   * A tenth of the burst, rounded up. Small enough that the overshoot of {@code n} nodes,
   * {@code n} batches, stays a fraction of a burst for a few nodes (the variation a client already
   * sees from a bucket that refills while it sends); large enough that a node goes to the shared
   * store once every ten requests or less, which is where the time goes.
   */
  public static long batchSize(long burst) {
    return Math.max(1, burst / 10 + (burst % 10 == 0 ? 0 : 1));
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond) || burst < 1) {
      return Future.failedFuture(new IllegalArgumentException(
          "a token bucket needs a positive rate and a burst of at least 1 (rate " + ratePerSecond + ", burst " + burst + ")"));
    }
    if (batchSize(burst) == 1) {
      // batches of one token save no round trip, and would queue a node's requests behind one fetch at a time
      return exact.takeToken(key, ratePerSecond, burst);
    }
    while (true) {
      Allowance a = allowances.computeIfAbsent(key, k -> new Allowance(ratePerSecond, burst));
      Future<TokenBatches.Grant> fetch;
      synchronized (a) {
        if (a.returned) {
          continue; // given back by giveBackAll() as we found it: the map has a new one
        }
        if (a.tokens > 0) {
          a.tokens--;
          return Future.succeededFuture(admit(key, a));
        }
        if (a.fetching != null) {
          fetch = a.fetching;
        } else {
          fetch = fetch(key, a);
          if (!fetch.isComplete()) { // else it failed at once, and its handler has already run
            a.fetching = fetch;
          }
        }
      }
      return fetch.compose(grant -> grant.taken() > 0
          ? takeToken(key, ratePerSecond, burst) // the batch is in the allowance now: spend from it like anyone
          : Future.succeededFuture(ThrottleDecision.reject(burst, Duration.ofMillis(grant.millis()))));
    }
  }

  /** Windows are never approximate: decided by the exact store. */
  @Override
  public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
    return exact.addToWindow(key, limit, period);
  }

  @Override
  public CounterStore batched() {
    return this;
  }

  /** Stops the periodic returns and gives back every allowance (without waiting: a lost return only idles tokens until the bucket refills). */
  @Override
  public void close() {
    vertx.cancelTimer(timer);
    giveBackAll();
  }

  private Future<TokenBatches.Grant> fetch(String key, Allowance a) {
    return batches.takeTokens(key, a.rate, a.burst, batchSize(a.burst)).andThen(ar -> {
      synchronized (a) {
        a.fetching = null;
        if (ar.succeeded()) {
          a.tokens += ar.result().taken();
          a.sharedRemaining = ar.result().remaining();
        }
      }
    });
  }

  /** The numbers are estimates: the shared bucket as of the last fetch, plus what this node holds. */
  private ThrottleDecision admit(String key, Allowance a) {
    long remaining = Math.min(a.burst, a.sharedRemaining + a.tokens);
    Duration untilFull = Duration.ofMillis((long) Math.ceil((a.burst - remaining) / a.rate * 1000));
    return ThrottleDecision.admit(a.burst, remaining, untilFull, () -> batches.giveBack(key, a.rate, a.burst, 1));
  }

  private void giveBackAll() {
    for (Map.Entry<String, Allowance> e : allowances.entrySet()) {
      Allowance a = e.getValue();
      long unspent;
      synchronized (a) {
        if (a.fetching != null) {
          continue; // its requests are waiting for it: next time
        }
        unspent = a.tokens;
        a.tokens = 0;
        a.returned = true;
        allowances.remove(e.getKey(), a);
      }
      if (unspent > 0) {
        batches.giveBack(e.getKey(), a.rate, a.burst, unspent);
      }
    }
  }

  /** What this node holds of one shared bucket; guarded by its own monitor. */
  private static final class Allowance {
    final double rate;
    final long burst;
    long tokens;
    /** Whole tokens the shared bucket had left after the last fetch. */
    long sharedRemaining;
    /** The fetch in flight, or null: at most one at a time. */
    Future<TokenBatches.Grant> fetching;
    /** Given back and out of the map: a request that finds it takes the map's current one. */
    boolean returned;

    Allowance(double rate, long burst) {
      this.rate = rate;
      this.burst = burst;
    }
  }
}
