package dev.portico.gateway.upstream;

import static dev.portico.gateway.upstream.CircuitBreaker.State.CLOSED;
import static dev.portico.gateway.upstream.CircuitBreaker.State.HALF_OPEN;
import static dev.portico.gateway.upstream.CircuitBreaker.State.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.upstream.CircuitBreaker.State;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The breaker with the documented example ({@code failureRate: 50%, minRequests: 20, window: 10s,
 * openFor: 30s, halfOpenRequests: 5}), driven by the times passed in.
 */
class CircuitBreakerTest {

  private static CircuitBreaker breaker() {
    return new CircuitBreaker(0.5, 20, 10_000, 30_000, 5);
  }

  private static void record(CircuitBreaker breaker, int successes, int failures, long now) {
    for (int i = 0; i < successes; i++) {
      assertTrue(breaker.tryAcquire(now));
      breaker.record(true, now);
    }
    for (int i = 0; i < failures; i++) {
      assertTrue(breaker.tryAcquire(now));
      breaker.record(false, now);
    }
  }

  /** Opens {@code breaker} at {@code now}: 20 failures. */
  private static void open(CircuitBreaker breaker, long now) {
    record(breaker, 0, 20, now);
    assertEquals(OPEN, breaker.state(now));
  }

  @Test
  void itOpensWhenTheFailureShareReachesTheRateOverMinRequests() {
    CircuitBreaker breaker = breaker();
    record(breaker, 10, 9, 1_000);
    assertEquals(CLOSED, breaker.state(1_000), "19 finished: fewer than minRequests");
    breaker.record(false, 1_000);
    assertEquals(OPEN, breaker.state(1_000), "10 failures of 20 is 50%");
    assertFalse(breaker.tryAcquire(1_000));
  }

  @Test
  void nineFailuresOfTwentyDoNotOpenIt() {
    CircuitBreaker breaker = breaker();
    record(breaker, 11, 9, 1_000);
    assertEquals(CLOSED, breaker.state(1_000));
    breaker.record(false, 1_000);
    assertEquals(CLOSED, breaker.state(1_000), "10 of 21 is under 50%");
  }

  @Test
  void itDoesNotOpenBeforeMinRequestsFinishedEvenIfAllFailed() {
    CircuitBreaker breaker = breaker();
    record(breaker, 0, 19, 1_000);
    assertEquals(CLOSED, breaker.state(1_000));
    assertTrue(breaker.tryAcquire(1_000));
    breaker.record(false, 1_000);
    assertEquals(OPEN, breaker.state(1_000));
  }

  @Test
  void aSuccessThatBringsTheCountToMinRequestsCanOpenIt() {
    CircuitBreaker breaker = breaker();
    record(breaker, 0, 19, 1_000);
    breaker.record(true, 1_000);
    assertEquals(OPEN, breaker.state(1_000), "19 failures of 20");
  }

  @Test
  void failuresOlderThanTheWindowDoNotCount() {
    CircuitBreaker stillIn = breaker();
    record(stillIn, 0, 10, 0);
    record(stillIn, 10, 0, 9_999);
    assertEquals(OPEN, stillIn.state(9_999), "the failures at 0 are within 10s of 9.999s");

    CircuitBreaker droppedOut = breaker();
    record(droppedOut, 0, 10, 0);
    record(droppedOut, 10, 0, 10_000);
    assertEquals(CLOSED, droppedOut.state(10_000), "the failures at 0 left the window at 10s");
    record(droppedOut, 9, 0, 10_000);
    assertEquals(CLOSED, droppedOut.state(10_000), "19 finished within the window");
  }

  @Test
  void theWindowSlidesByTenths() {
    CircuitBreaker breaker = breaker();
    record(breaker, 0, 10, 5_500);
    record(breaker, 5, 0, 14_999);
    record(breaker, 5, 0, 15_000); // the tenth [5s, 6s) is out: 10 successes, no failure
    record(breaker, 9, 1, 15_000);
    assertEquals(CLOSED, breaker.state(15_000), "1 failure of 20");
  }

  @Test
  void anOutcomeReportedAfterItsTimeLeftTheWindowIsIgnored() {
    CircuitBreaker breaker = breaker();
    record(breaker, 10, 0, 20_000);
    record(breaker, 0, 10, 5_000);
    assertEquals(CLOSED, breaker.state(20_000));
    record(breaker, 0, 10, 19_000);
    assertEquals(OPEN, breaker.state(20_000), "late but still within the window");
  }

  @Test
  void anOpenBreakerRefusesUntilOpenForHasPassedAndSaysHowLong() {
    CircuitBreaker breaker = breaker();
    open(breaker, 1_000);
    assertEquals(30_000, breaker.millisUntilHalfOpen(1_000));
    assertFalse(breaker.tryAcquire(1_000));
    assertEquals(15_000, breaker.millisUntilHalfOpen(16_000));
    assertFalse(breaker.tryAcquire(16_000));
    assertEquals(1, breaker.millisUntilHalfOpen(30_999));
    assertFalse(breaker.tryAcquire(30_999));
    assertEquals(OPEN, breaker.state(30_999));
    assertTrue(breaker.tryAcquire(31_000));
    assertEquals(HALF_OPEN, breaker.state(31_000));
    assertEquals(0, breaker.millisUntilHalfOpen(31_000));
  }

  @Test
  void outcomesOfRequestsAdmittedBeforeItOpenedDoNotProlongIt() {
    CircuitBreaker breaker = breaker();
    open(breaker, 1_000);
    breaker.record(false, 20_000);
    assertEquals(11_000, breaker.millisUntilHalfOpen(20_000));
  }

  @Test
  void halfOpenAdmitsExactlyTheTrialRequests() {
    CircuitBreaker breaker = breaker();
    open(breaker, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(breaker.tryAcquire(30_000), "trial " + i);
    }
    assertFalse(breaker.tryAcquire(30_000));
    for (int i = 0; i < 4; i++) {
      breaker.record(true, 30_100);
      assertFalse(breaker.tryAcquire(30_100), "a trial is still out");
      assertEquals(HALF_OPEN, breaker.state(30_100));
    }
  }

  @Test
  void itClosesWhenEveryTrialSucceeds() {
    CircuitBreaker breaker = breaker();
    open(breaker, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(breaker.tryAcquire(30_000));
    }
    for (int i = 0; i < 5; i++) {
      breaker.record(true, 30_200);
    }
    assertEquals(CLOSED, breaker.state(30_200));
    assertEquals(30_200, breaker.stateSinceMillis());
    assertTrue(breaker.tryAcquire(30_200));
  }

  @Test
  void oneFailedTrialOpensItAgainForOpenFor() {
    CircuitBreaker breaker = breaker();
    open(breaker, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(breaker.tryAcquire(30_000));
    }
    breaker.record(true, 30_100);
    breaker.record(false, 30_200);
    assertEquals(OPEN, breaker.state(30_200));
    assertEquals(30_000, breaker.millisUntilHalfOpen(30_200));
    assertFalse(breaker.tryAcquire(30_200));
    // the remaining trials' outcomes arrive while open: they change nothing
    breaker.record(true, 30_300);
    breaker.record(true, 30_300);
    breaker.record(true, 30_300);
    assertEquals(OPEN, breaker.state(30_300));
    assertTrue(breaker.tryAcquire(60_200));
    assertEquals(HALF_OPEN, breaker.state(60_200));
  }

  @Test
  void theWindowStartsEmptyWhenItClosesAgain() {
    CircuitBreaker breaker = breaker();
    record(breaker, 10, 9, 0);
    breaker.record(false, 0);
    assertEquals(OPEN, breaker.state(0));
    for (int i = 0; i < 5; i++) {
      assertTrue(breaker.tryAcquire(30_000));
      breaker.record(true, 30_000);
    }
    assertEquals(CLOSED, breaker.state(30_000));
    record(breaker, 0, 19, 30_000);
    assertEquals(CLOSED, breaker.state(30_000), "the trials and what came before the opening are not counted");
    breaker.record(false, 30_000);
    assertEquals(OPEN, breaker.state(30_000));
  }

  @Test
  void stateSinceSaysWhenEachStateBegan() {
    CircuitBreaker breaker = new CircuitBreaker(0.5, 20, 10_000, 30_000, 5, 500);
    assertEquals(500, breaker.stateSinceMillis());
    open(breaker, 1_000);
    assertEquals(1_000, breaker.stateSinceMillis());
    assertEquals(HALF_OPEN, breaker.state(45_000));
    assertEquals(31_000, breaker.stateSinceMillis(), "half-open since openFor ran out, not since asked");
  }

  @Test
  void theListenerSeesEveryTransitionInOrder() {
    CircuitBreaker breaker = breaker();
    List<State> seen = new ArrayList<>();
    List<Long> sinceInListener = new ArrayList<>();
    breaker.onStateChange(state -> {
      seen.add(state);
      sinceInListener.add(breaker.stateSinceMillis()); // may call the breaker: its lock is not held
    });
    assertEquals(CLOSED, breaker.state(0));
    open(breaker, 0);
    for (int i = 0; i < 5; i++) {
      assertTrue(breaker.tryAcquire(30_000));
    }
    for (int i = 0; i < 5; i++) {
      breaker.record(true, 30_000);
    }
    assertEquals(List.of(OPEN, HALF_OPEN, CLOSED), seen);
    assertEquals(List.of(0L, 30_000L, 30_000L), sinceInListener);
  }

  @Test
  void halfOpenAdmitsExactlyTheTrialsWhenManyThreadsAsk() throws Exception {
    CircuitBreaker breaker = breaker();
    open(breaker, 0);
    AtomicInteger admitted = new AtomicInteger();
    runOnThreads(4, () -> {
      for (int i = 0; i < 10_000; i++) {
        if (breaker.tryAcquire(30_000 + i)) {
          admitted.incrementAndGet();
        }
      }
    });
    assertEquals(5, admitted.get());
  }

  @Test
  void noOutcomeIsLostWhenManyThreadsRecord() throws Exception {
    CircuitBreaker breaker = new CircuitBreaker(1.0, 40_000, 10_000, 30_000, 5);
    List<State> seen = new CopyOnWriteArrayList<>();
    breaker.onStateChange(seen::add);
    runOnThreads(4, () -> {
      for (int i = 0; i < 9_999; i++) {
        breaker.record(false, 1_000 + i % 100);
      }
    });
    assertEquals(CLOSED, breaker.state(1_100), "39_996 failures");
    for (int i = 0; i < 3; i++) {
      breaker.record(false, 1_100);
    }
    assertEquals(CLOSED, breaker.state(1_100), "39_999 failures");
    breaker.record(false, 1_100);
    assertEquals(OPEN, breaker.state(1_100));
    assertEquals(List.of(OPEN), seen);
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0, 20, 10_000, 30_000, 5));
    assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(1.5, 20, 10_000, 30_000, 5));
    assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0.5, 0, 10_000, 30_000, 5));
    assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0.5, 20, 5, 30_000, 5));
    assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0.5, 20, 10_000, 30_000, 0));
  }

  private static void runOnThreads(int threads, Runnable work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          work.run();
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
