package dev.portico.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.RedisServer;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisCounterStoreTest {

  private RedisServer redis;
  private Vertx vertx;
  private RedisCounterStore store;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    // generous: the first decision in a cold JVM on a busy machine can take longer than the gateway's
    // default 500 ms; the timeout itself is tested with a store of its own
    store = new RedisCounterStore(vertx, redis.endpoint(), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() throws Exception {
    store.close();
    await(vertx.close());
    redis.close();
  }

  @Test
  void tokenBucketStartsFullAndRejectsOnceEmptyWithoutTakingAnything() throws Exception {
    for (int remaining = 2; remaining >= 0; remaining--) {
      ThrottleDecision d = await(store.takeToken("k", 0.5, 3));
      assertTrue(d.allowed());
      assertEquals(3, d.limit());
      assertEquals(remaining, d.remaining());
    }
    ThrottleDecision rejected = await(store.takeToken("k", 0.5, 3));
    assertFalse(rejected.allowed());
    // one token comes back every 2 s: the retry is at most that far away
    assertTrue(rejected.resetAfter().toMillis() > 0 && rejected.resetAfter().toMillis() <= 2000, rejected.toString());
    assertFalse(await(store.takeToken("k", 0.5, 3)).allowed(), "a rejection took nothing, so still empty");
  }

  @Test
  void aRefundGivesTheTokenBack() throws Exception {
    ThrottleDecision first = await(store.takeToken("r", 0.001, 1));
    assertTrue(first.allowed());
    assertFalse(await(store.takeToken("r", 0.001, 1)).allowed());
    await(first.refund());
    assertTrue(await(store.takeToken("r", 0.001, 1)).allowed());
  }

  @Test
  void aBatchedViewTakesATenthOfTheBurstAndGivesBackWhatItDidNotSpend() throws Exception {
    // no periodic return during the test: the shared bucket shows exactly what was fetched
    BatchedCounterStore batched = new BatchedCounterStore(vertx, store, store, Duration.ofHours(1));
    for (int i = 0; i < 11; i++) {
      assertTrue(await(batched.takeToken("batch", 0.001, 100)).allowed());
    }
    // 11 admitted from two batches of 10: the shared bucket has 80 left
    assertEquals(79, await(store.takeToken("batch", 0.001, 100)).remaining());
    batched.close(); // gives back the 9 unspent
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    ThrottleDecision strict;
    do { // the return is sent, not awaited: poll (each poll takes a token, refunded)
      strict = await(store.takeToken("batch", 0.001, 100));
      await(strict.refund());
    } while (strict.remaining() != 87 && System.nanoTime() < deadline);
    assertEquals(87, strict.remaining(), "100, minus 12 spent, minus this one");
  }

  @Test
  void aBatchedViewDecidesBucketsOfTenOrLessExactly() throws Exception {
    BatchedCounterStore batched = new BatchedCounterStore(vertx, store, store, Duration.ofHours(1));
    assertTrue(await(batched.takeToken("small", 0.001, 10)).allowed());
    assertEquals(8, await(store.takeToken("small", 0.001, 10)).remaining(), "one token taken, not a batch");
    batched.close();
  }

  @Test
  void keysAreIsolated() throws Exception {
    assertTrue(await(store.takeToken("a", 0.001, 1)).allowed());
    assertTrue(await(store.takeToken("b", 0.001, 1)).allowed());
    assertFalse(await(store.takeToken("a", 0.001, 1)).allowed());
  }

  @Test
  void twoStoresShareOneQuotaExactlyUnderConcurrentLoad() throws Exception {
    Vertx other = Vertx.vertx();
    RedisCounterStore second = new RedisCounterStore(other, redis.endpoint(), Duration.ofSeconds(5));
    try {
      List<Future<ThrottleDecision>> all = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        all.add((i % 2 == 0 ? store : second).addToWindow("quota", 200, QuotaPeriod.DAY));
      }
      long admitted = 0;
      for (Future<ThrottleDecision> f : all) {
        if (await(f).allowed()) {
          admitted++;
        }
      }
      assertEquals(200, admitted);
      ThrottleDecision after = await(store.addToWindow("quota", 200, QuotaPeriod.DAY));
      assertFalse(after.allowed());
      assertTrue(after.resetAfter().compareTo(Duration.ofDays(1)) <= 0, after.toString());
    } finally {
      second.close();
      await(other.close());
    }
  }

  @Test
  void aWindowRefundTakesOneBackFromThatWindow() throws Exception {
    ThrottleDecision one = await(store.addToWindow("w", 1, QuotaPeriod.MONTH));
    assertTrue(one.allowed());
    assertEquals(0, one.remaining());
    assertFalse(await(store.addToWindow("w", 1, QuotaPeriod.MONTH)).allowed());
    await(one.refund());
    assertTrue(await(store.addToWindow("w", 1, QuotaPeriod.MONTH)).allowed());
  }

  @Test
  void calendarWindowsEndWhereJavaSaysTheyEnd() throws Exception {
    for (QuotaPeriod period : QuotaPeriod.values()) {
      long before = System.currentTimeMillis();
      ThrottleDecision d = await(store.addToWindow("cal-" + period, 10, period));
      long expectedEnd = CalendarWindows.of(period, before).endMillis();
      long end = before + d.resetAfter().toMillis();
      assertTrue(Math.abs(end - expectedEnd) < 2000, period + ": ends at " + end + ", expected " + expectedEnd);
    }
  }

  @Test
  void anUnreachableStoreFailsTheDecisionWithinTheTimeoutAndRecoversWhenRedisIsBack() throws Exception {
    assertTrue(await(store.takeToken("warm", 1, 5)).allowed()); // the code paths, with the generous timeout
    store.close();
    store = new RedisCounterStore(vertx, redis.endpoint(), Duration.ofMillis(500));
    assertTrue(await(store.takeToken("x", 1, 5)).allowed());
    redis.stop();
    long start = System.nanoTime();
    ExecutionException failure = null;
    try {
      await(store.takeToken("x", 1, 5));
    } catch (ExecutionException e) {
      failure = e;
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(failure != null, "a decision without Redis must fail, not pass");
    assertTrue(millis < 3000, "failed after " + millis + " ms; the timeout is 500 ms");

    redis.restart(); // a fresh server: the scripts are gone too (NOSCRIPT -> EVAL)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    boolean recovered = false;
    while (!recovered && System.nanoTime() < deadline) {
      try {
        recovered = await(store.takeToken("y", 1, 5)).allowed();
      } catch (ExecutionException stillDown) {
        // the client reconnects on its own; ask again
      }
    }
    assertTrue(recovered, "decisions did not recover after Redis came back");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
