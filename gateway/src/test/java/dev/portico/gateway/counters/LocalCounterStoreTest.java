package dev.portico.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The in-memory counter store ({@code counters.store: local}): token buckets and calendar windows,
 * decided on a time the test controls. Nothing here sleeps: time moves when the test says so.
 */
class LocalCounterStoreTest {

  /** Monotonic nanos for buckets and a wall clock for windows, both moved by the test. */
  static final class ManualTime extends Clock {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final AtomicLong epochMillis;

    ManualTime(Instant start) {
      this.epochMillis = new AtomicLong(start.toEpochMilli());
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
      epochMillis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return epochMillis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final ManualTime time = new ManualTime(Instant.parse("2026-03-04T10:15:30Z"));
  private final LocalCounterStore store = new LocalCounterStore(time.nanos::get, time);

  private static ThrottleDecision decided(Future<ThrottleDecision> f) {
    assertTrue(f.isComplete(), "the local store decides at once");
    assertTrue(f.succeeded(), () -> "failed: " + f.cause());
    return f.result();
  }

  private ThrottleDecision take(String key, double rate, long burst) {
    return decided(store.takeToken(key, rate, burst));
  }

  private ThrottleDecision add(String key, long limit, QuotaPeriod period) {
    return decided(store.addToWindow(key, limit, period));
  }

  // ---- token buckets -----------------------------------------------------------------------

  @Test
  void aBucketStartsFullAdmitsItsBurstAtOnceThenRejects() {
    for (int i = 1; i <= 5; i++) {
      ThrottleDecision d = take("k", 1, 5);
      assertTrue(d.allowed(), "request " + i);
      assertEquals(5, d.limit());
      assertEquals(5 - i, d.remaining());
    }
    ThrottleDecision rejected = take("k", 1, 5);
    assertFalse(rejected.allowed());
    assertEquals(5, rejected.limit());
    assertEquals(0, rejected.remaining());
  }

  @Test
  void anAdmissionSaysWhenTheBucketIsFullAgainAndARejectionWhenTheNextTokenComes() {
    ThrottleDecision first = take("k", 2, 4);            // 3 left: full again in 0.5 s
    assertEquals(Duration.ofMillis(500), first.resetAfter());
    take("k", 2, 4);
    take("k", 2, 4);
    ThrottleDecision last = take("k", 2, 4);             // empty: full again in 2 s
    assertEquals(Duration.ofSeconds(2), last.resetAfter());
    time.advance(Duration.ofMillis(100));                // 0.2 token back
    ThrottleDecision rejected = take("k", 2, 4);
    assertFalse(rejected.allowed());
    assertEquals(Duration.ofMillis(400), rejected.resetAfter()); // the 0.8 token still missing
  }

  @Test
  void waitingExactlyTheAnnouncedDelayIsEnough() {
    // a rate of 3/s: every delay is a repeating decimal, so rounding must favour the client
    for (int round = 0; round < 50; round++) {
      ThrottleDecision d = take("k", 3, 1);
      if (d.allowed()) {
        d = take("k", 3, 1);
      }
      assertFalse(d.allowed());
      time.advance(d.resetAfter());
      assertTrue(take("k", 3, 1).allowed(), "round " + round + ": not admitted after " + d.resetAfter());
    }
  }

  @Test
  void aBucketRefillsAtItsRateAndNeverAboveItsBurst() {
    for (int i = 0; i < 10; i++) {
      assertTrue(take("k", 10, 10).allowed());
    }
    assertFalse(take("k", 10, 10).allowed());
    time.advance(Duration.ofMillis(300));                // 3 tokens at 10/s
    for (int i = 0; i < 3; i++) {
      assertTrue(take("k", 10, 10).allowed(), "refilled token " + (i + 1));
    }
    assertFalse(take("k", 10, 10).allowed(), "a fourth token before its time");

    time.advance(Duration.ofHours(1));                   // would be 36000 tokens: capped at 10
    for (int i = 0; i < 10; i++) {
      assertTrue(take("k", 10, 10).allowed());
    }
    assertFalse(take("k", 10, 10).allowed());
  }

  @Test
  void rejectedRequestsTakeNothing() {
    assertTrue(take("k", 1, 1).allowed());
    for (int i = 0; i < 100; i++) {
      assertFalse(take("k", 1, 1).allowed());            // hammering does not push the next token back
    }
    time.advance(Duration.ofSeconds(1));
    assertTrue(take("k", 1, 1).allowed());
  }

  @Test
  void keysAreIsolated() {
    assertTrue(take("alice", 1, 1).allowed());
    assertFalse(take("alice", 1, 1).allowed());
    assertTrue(take("bob", 1, 1).allowed(), "bob has his own bucket");
    assertTrue(add("alice", 1, QuotaPeriod.DAY).allowed(), "windows and buckets do not share keys");
    assertFalse(add("alice", 1, QuotaPeriod.DAY).allowed());
    assertTrue(add("bob", 1, QuotaPeriod.DAY).allowed());
  }

  @Test
  void aRefundGivesTheTokenBackOnceAndNeverOverfillsTheBucket() {
    ThrottleDecision d = take("k", 0.001, 2);
    assertTrue(take("k", 0.001, 2).allowed());
    assertFalse(take("k", 0.001, 2).allowed());
    d.refund();
    d.refund();                                          // a second call gives nothing more
    assertTrue(take("k", 0.001, 2).allowed());
    assertFalse(take("k", 0.001, 2).allowed());

    ThrottleDecision fresh = take("full", 0.001, 1);
    time.advance(Duration.ofDays(1));                    // refilled while the request was in flight
    fresh.refund();
    assertTrue(take("full", 0.001, 1).allowed());
    assertFalse(take("full", 0.001, 1).allowed(), "the refund did not overfill the bucket");
  }

  @Test
  void badArgumentsFailTheDecisionInsteadOfCorruptingTheBucket() {
    assertTrue(store.takeToken("k", 0, 1).failed());
    assertTrue(store.takeToken("k", 1, 0).failed());
    assertTrue(store.addToWindow("k", 0, QuotaPeriod.DAY).failed());
  }

  // ---- calendar windows --------------------------------------------------------------------

  @Test
  void aWindowAdmitsItsLimitThenRejectsUntilTheNextCalendarWindow() {
    time.epochMillis.set(Instant.parse("2026-03-04T10:15:30Z").toEpochMilli());
    for (int i = 1; i <= 3; i++) {
      ThrottleDecision d = add("k", 3, QuotaPeriod.MINUTE);
      assertTrue(d.allowed());
      assertEquals(3, d.limit());
      assertEquals(3 - i, d.remaining());
      assertEquals(Duration.ofSeconds(30), d.resetAfter());
    }
    ThrottleDecision rejected = add("k", 3, QuotaPeriod.MINUTE);
    assertFalse(rejected.allowed());
    assertEquals(Duration.ofSeconds(30), rejected.resetAfter());
    time.epochMillis.set(Instant.parse("2026-03-04T10:15:59.999Z").toEpochMilli());
    assertFalse(add("k", 3, QuotaPeriod.MINUTE).allowed());
    time.epochMillis.set(Instant.parse("2026-03-04T10:16:00Z").toEpochMilli());
    assertTrue(add("k", 3, QuotaPeriod.MINUTE).allowed(), "a new minute, a new count");
  }

  @Test
  void windowsAreCalendarWindowsInUtc() {
    assertWindowEnds(QuotaPeriod.MINUTE, "2026-03-04T10:15:30Z", "2026-03-04T10:16:00Z");
    assertWindowEnds(QuotaPeriod.HOUR, "2026-03-04T10:15:30Z", "2026-03-04T11:00:00Z");
    assertWindowEnds(QuotaPeriod.DAY, "2026-03-04T23:59:59Z", "2026-03-05T00:00:00Z");
    // 2026-03-04 is a Wednesday: the ISO week ends on Monday 2026-03-09 00:00 UTC
    assertWindowEnds(QuotaPeriod.WEEK, "2026-03-04T10:15:30Z", "2026-03-09T00:00:00Z");
    assertWindowEnds(QuotaPeriod.WEEK, "2026-03-08T23:59:59Z", "2026-03-09T00:00:00Z");
    assertWindowEnds(QuotaPeriod.WEEK, "2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z");
    assertWindowEnds(QuotaPeriod.MONTH, "2026-02-15T12:00:00Z", "2026-03-01T00:00:00Z");
    assertWindowEnds(QuotaPeriod.MONTH, "2028-02-29T23:00:00Z", "2028-03-01T00:00:00Z");
    assertWindowEnds(QuotaPeriod.MONTH, "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z");
  }

  private void assertWindowEnds(QuotaPeriod period, String now, String end) {
    time.epochMillis.set(Instant.parse(now).toEpochMilli());
    String key = period + now;
    assertTrue(add(key, 1, period).allowed());
    ThrottleDecision rejected = add(key, 1, period);
    assertFalse(rejected.allowed());
    assertEquals(Duration.between(Instant.parse(now), Instant.parse(end)), rejected.resetAfter(), period + " at " + now);
    time.epochMillis.set(Instant.parse(end).toEpochMilli() - 1);
    assertFalse(add(key, 1, period).allowed(), period + ": still the same window 1 ms before " + end);
    time.epochMillis.set(Instant.parse(end).toEpochMilli());
    assertTrue(add(key, 1, period).allowed(), period + ": a new window at " + end);
  }

  @Test
  void windowsOfDifferentPeriodsOnOneKeyCountApartEvenWhenTheyStartTogether() {
    // 1 March 2026 00:00 UTC starts a minute, an hour, a day and a month (not a week: a Sunday)
    time.epochMillis.set(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    assertTrue(add("k", 1, QuotaPeriod.DAY).allowed());
    assertTrue(add("k", 1, QuotaPeriod.MONTH).allowed(), "the month's count is not the day's");
    assertTrue(add("k", 1, QuotaPeriod.MINUTE).allowed());
  }

  @Test
  void aRejectedRequestAddsNothingToTheWindowAndARefundTakesOneOff() {
    ThrottleDecision first = add("k", 2, QuotaPeriod.DAY);
    assertTrue(add("k", 2, QuotaPeriod.DAY).allowed());
    for (int i = 0; i < 10; i++) {
      assertFalse(add("k", 2, QuotaPeriod.DAY).allowed());
    }
    first.refund();
    first.refund();                                      // at most once
    ThrottleDecision again = add("k", 2, QuotaPeriod.DAY);
    assertTrue(again.allowed());
    assertEquals(0, again.remaining());
    assertFalse(add("k", 2, QuotaPeriod.DAY).allowed());
  }

  // ---- eviction ----------------------------------------------------------------------------

  @Test
  void aMillionDistinctIdleKeysDoNotAccumulate() {
    int keys = 1_000_000;
    for (int i = 0; i < keys; i++) {
      take("ip=" + i, 100, 10);
    }
    assertEquals(keys, store.size());
    store.evictIdle();
    assertEquals(keys, store.size(), "buckets still refilling carry information and stay");
    time.advance(Duration.ofMillis(10));                 // 1 token back at 100/s: every bucket is full
    store.evictIdle();
    assertEquals(0, store.size(), "refilled buckets are dropped");

    for (int i = 0; i < keys; i++) {
      add("ip=" + i, 10, QuotaPeriod.MINUTE);
    }
    assertEquals(keys, store.size());
    store.evictIdle();
    assertEquals(keys, store.size(), "the minute is not over: its counts stay");
    time.advance(Duration.ofMinutes(1));
    store.evictIdle();
    assertEquals(0, store.size(), "windows that are over are dropped");
  }

  @Test
  void evictionKeepsEveryCountThatStillMatters() {
    assertTrue(take("drawn", 0.001, 1).allowed());       // empty for 1000 s
    assertTrue(add("counted", 1, QuotaPeriod.DAY).allowed());
    time.advance(Duration.ofMinutes(1));
    store.evictIdle();
    assertFalse(take("drawn", 0.001, 1).allowed(), "an evicted bucket would have come back full");
    assertFalse(add("counted", 1, QuotaPeriod.DAY).allowed(), "an evicted window would have come back empty");
  }

  @Test
  void evictionRacingWithFirstRequestsNeverAdmitsOneTooMany() throws Exception {
    // every bucket is full when first used, so an eviction sweep may remove it at the very moment a
    // request takes its token: the token must not be lost with the removed bucket
    int keys = 50_000;
    AtomicBoolean sweeping = new AtomicBoolean(true);
    Thread sweeper = new Thread(() -> {
      while (sweeping.get()) {
        store.evictIdle();
      }
    });
    sweeper.start();
    AtomicInteger admitted = new AtomicInteger();
    List<Thread> takers = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(2);
    for (int t = 0; t < 2; t++) {
      Thread taker = new Thread(() -> {
        for (int i = 0; i < keys; i++) {
          // time is frozen: each bucket of burst 1 admits exactly one request, whoever comes first
          if (take("k" + i, 1e-6, 1).allowed()) {
            admitted.incrementAndGet();
          }
        }
        done.countDown();
      });
      takers.add(taker);
      taker.start();
    }
    try {
      assertTrue(done.await(60, TimeUnit.SECONDS), "takers did not finish");
    } finally {
      sweeping.set(false);
      sweeper.join(10_000);
    }
    assertEquals(keys, admitted.get());
  }
}
