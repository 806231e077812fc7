package dev.portico.gateway.pipeline;

import dev.portico.gateway.plugin.PolicyHandle;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs that a throttler could not decide (its counter store unreachable or slow) at most once per
 * interval: when the store is down every request fails the same way, and the log must not drown.
 */
final class StoreFailures {

  private static final Logger log = LoggerFactory.getLogger("portico.counters");
  private static final long INTERVAL_NANOS = 10_000_000_000L;
  private static final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);
  private static final AtomicLong suppressed = new AtomicLong();

  private StoreFailures() {}

  static void warn(PolicyHandle policy, Throwable cause) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      long more = suppressed.getAndSet(0);
      log.warn("throttler '{}' ({}) could not decide: {}{}", policy.name(), policy.configPath(), cause.toString(),
          more > 0 ? " (" + more + " similar failures since the last warning)" : "");
    } else {
      suppressed.incrementAndGet();
    }
  }
}
