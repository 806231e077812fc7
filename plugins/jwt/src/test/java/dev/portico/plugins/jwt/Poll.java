package dev.portico.plugins.jwt;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition by checking it every 50 ms, up to a bound: for what has no event to wait on, like a clock passing {@code exp}. */
final class Poll {

  private Poll() {}

  /** The value of {@code check} once {@code done} accepts it, or its last value when {@code bound} has passed. */
  static <T> T until(Callable<T> check, java.util.function.Predicate<T> done, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    T value = check.call();
    while (!done.test(value) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      value = check.call();
    }
    return value;
  }
}
