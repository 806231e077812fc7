package dev.portico.gateway.metrics;

import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's counter store as every throttler sees it: the store itself, with each decision
 * timed (from the call to the answer, failures included) and each failure counted, by store type
 * and operation. A refund is not a decision and is not timed. The {@linkplain #batched() batched
 * view} of a shared store is timed under its own type, {@code <type>-batched}: its decisions are
 * mostly local, and mixing them in would hide the store's own latency.
 */
final class TimedCounterStore implements CounterStore {

  private final CounterStore store;
  private final String type;
  private final MeterRegistry registry;
  private final Operation takeToken;
  private final Operation addToWindow;
  private CounterStore batched;

  /** The meters of one operation on this store. */
  private record Operation(Timer duration, Counter errors) {

    Future<ThrottleDecision> time(Future<ThrottleDecision> decision, long start) {
      return decision.onComplete((result, failure) -> {
        duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (failure != null) {
          errors.increment();
        }
      });
    }
  }

  TimedCounterStore(CounterStore store, String type, MeterRegistry registry) {
    this.store = store;
    this.type = type;
    this.registry = registry;
    this.takeToken = operation(registry, type, "takeToken");
    this.addToWindow = operation(registry, type, "addToWindow");
  }

  private static Operation operation(MeterRegistry registry, String type, String name) {
    return new Operation(
        Timer.builder(GatewayMetrics.STORE_DURATION)
            .description("How long the counter store took to decide, failures included")
            .tag("store", type).tag("operation", name)
            .serviceLevelObjectives(GatewayMetrics.STORE_BUCKETS).register(registry),
        Counter.builder(GatewayMetrics.STORE_ERRORS)
            .description("Counter store decisions that failed (store unreachable, timed out)")
            .tag("store", type).tag("operation", name).register(registry));
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    long start = System.nanoTime();
    return takeToken.time(store.takeToken(key, ratePerSecond, burst), start);
  }

  @Override
  public synchronized CounterStore batched() {
    if (batched == null) {
      CounterStore view = store.batched();
      // a store that is exact at no cost (the local one) is its own batched view
      batched = view == store ? this : new TimedCounterStore(view, type + "-batched", registry);
    }
    return batched;
  }

  @Override
  public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
    long start = System.nanoTime();
    return addToWindow.time(store.addToWindow(key, limit, period), start);
  }
}
