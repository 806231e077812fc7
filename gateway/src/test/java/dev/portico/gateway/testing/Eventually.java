package dev.portico.gateway.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls for a condition with a bound, for what a test cannot be told about (another node, a timer). */
public final class Eventually {

  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Duration INTERVAL = Duration.ofMillis(20);

  private Eventually() {}

  /** Polls until {@code actual} gives {@code expected}, for at most 10 s; fails with the last value. */
  public static <T> void equal(String what, T expected, Supplier<T> actual) {
    long deadline = System.nanoTime() + BOUND.toNanos();
    T last = actual.get();
    while (!Objects.equals(expected, last)) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": expected " + expected + " within " + BOUND.toSeconds() + " s, still " + last);
      }
      LockSupport.parkNanos(INTERVAL.toNanos()); // the poll interval
      last = actual.get();
    }
  }
}
