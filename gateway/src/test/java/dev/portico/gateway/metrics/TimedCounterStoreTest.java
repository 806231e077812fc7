package dev.portico.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.counters.LocalCounterStore;
import dev.portico.gateway.counters.RedisCounterStore;
import dev.portico.gateway.testing.RedisServer;
import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The counter store's timing (issue 6: counter-store latency and errors): every decision counted
 * by store type and operation, the batched view of a shared store apart from the store itself, on
 * real stores.
 */
class TimedCounterStoreTest {

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static long decisions(GatewayMetrics metrics, String store, String operation) {
    Timer t = metrics.registry().find(GatewayMetrics.STORE_DURATION).tag("store", store).tag("operation", operation).timer();
    return t == null ? -1 : t.count();
  }

  @Test
  void eachDecisionOfTheLocalStoreIsTimedByOperationAndItIsItsOwnBatchedView() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    CounterStore timed = metrics.timed("local", new LocalCounterStore());

    await(timed.takeToken("k", 1, 5));
    await(timed.batched().takeToken("k", 1, 5));
    await(timed.addToWindow("w", 5, QuotaPeriod.DAY));

    assertSame(timed, timed.batched());
    assertEquals(2, decisions(metrics, "local", "takeToken"));
    assertEquals(1, decisions(metrics, "local", "addToWindow"));
  }

  @Test
  void aSharedStoresBatchedViewIsTimedApartAndItsFailuresCounted() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start()) {
      RedisCounterStore store = new RedisCounterStore(vertx, redis.endpoint(), Duration.ofSeconds(5));
      CounterStore timed = metrics.timed("redis", store);
      CounterStore batched = timed.batched();

      await(timed.takeToken("exact", 10, 100));
      await(batched.takeToken("batched", 10, 100));
      await(batched.takeToken("batched", 10, 100));

      assertSame(batched, timed.batched(), "one view, kept");
      assertEquals(1, decisions(metrics, "redis", "takeToken"));
      assertEquals(2, decisions(metrics, "redis-batched", "takeToken"));

      redis.stop();
      assertTrue(timed.takeToken("exact", 10, 100).toCompletionStage().toCompletableFuture()
          .handle((d, e) -> e != null).get(30, TimeUnit.SECONDS), "a decision without Redis fails");
      assertEquals(1.0, metrics.registry().get(GatewayMetrics.STORE_ERRORS)
          .tag("store", "redis").tag("operation", "takeToken").counter().count());
      assertEquals(2, decisions(metrics, "redis", "takeToken"), "a failed decision is timed too");
      store.close();
    } finally {
      await(vertx.close());
    }
  }
}
