package dev.portico.plugins.httpauthorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.plugins.httpauthorizer.DecisionCache.Decision;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decision cache on its own, with a clock the test moves: expiry, single flight, the bound. */
class DecisionCacheTest {

  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger decisions = new AtomicInteger();

  private Future<Decision> allow() {
    decisions.incrementAndGet();
    return Future.succeededFuture(Decision.allow(Principal.of("alice")));
  }

  @Test
  void aDecisionIsReusedUntilItsTtlIsOver() {
    DecisionCache cache = new DecisionCache(1_000, 100, now::get);
    cache.get("k", this::allow);
    now.set(999);
    cache.get("k", this::allow);
    assertEquals(1, decisions.get());

    now.set(1_000);
    cache.get("k", this::allow);
    assertEquals(2, decisions.get());
  }

  @Test
  void lookupsWhileADecisionIsMadeShareIt() {
    DecisionCache cache = new DecisionCache(0, 100, now::get);
    Promise<Decision> pending = Promise.promise();
    Future<Decision> first = cache.get("k", () -> {
      decisions.incrementAndGet();
      return pending.future();
    });
    Future<Decision> second = cache.get("k", this::allow);
    assertEquals(1, decisions.get());

    Decision d = Decision.allow(Principal.of("bob"));
    pending.complete(d);
    assertSame(d, first.result());
    assertSame(d, second.result());

    cache.get("k", this::allow);
    assertEquals(2, decisions.get(), "ttl 0: nothing is kept once made");
  }

  @Test
  void aDecisionThatIsNotCacheableIsForgottenOnceMade() {
    DecisionCache cache = new DecisionCache(1_000_000, 100, now::get);
    cache.get("k", () -> {
      decisions.incrementAndGet();
      return Future.succeededFuture(Decision.unavailable(Rejection.of(503, "down")));
    });
    cache.get("k", this::allow);
    assertEquals(2, decisions.get());
    cache.get("k", this::allow);
    assertEquals(2, decisions.get());
  }

  @Test
  void theCacheHoldsNoMoreThanItsBound() {
    DecisionCache cache = new DecisionCache(1_000_000, 100, now::get);
    for (int i = 0; i < 1_000; i++) {
      cache.get("k" + i, this::allow);
      assertTrue(cache.size() <= 101, "size " + cache.size() + " after " + (i + 1));
    }
  }
}
