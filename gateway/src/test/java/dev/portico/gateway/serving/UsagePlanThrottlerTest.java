package dev.portico.gateway.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.UsagePlan;
import dev.portico.gateway.counters.LocalCounterStore;
import dev.portico.spi.CounterStore;
import dev.portico.spi.Principal;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.RequestContext;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The usage plan throttler against a counter store that can be made to fail: what a failed
 * decision leaves behind. (Its behaviour through a gateway is in {@link UsagePlanThrottlingTest}.)
 */
class UsagePlanThrottlerTest {

  private final LocalCounterStore local = new LocalCounterStore();
  private final AtomicBoolean windowsDown = new AtomicBoolean();

  /** The local store, whose calendar windows can be made unreachable. */
  private final CounterStore counters = new CounterStore() {
    @Override
    public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
      return local.takeToken(key, ratePerSecond, burst);
    }

    @Override
    public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
      return windowsDown.get() ? Future.failedFuture(new IOException("store unreachable")) : local.addToWindow(key, limit, period);
    }
  };

  private static RequestContext as(String keyId) {
    Principal principal = Principal.of(keyId).withUsagePlan("p");
    return (RequestContext) Proxy.newProxyInstance(RequestContext.class.getClassLoader(), new Class<?>[] {RequestContext.class},
        (proxy, method, args) -> {
          if (method.getName().equals("principal")) {
            return principal;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  private static ThrottleDecision decided(Future<ThrottleDecision> f) {
    assertTrue(f.succeeded(), () -> "failed: " + f.cause());
    return f.result();
  }

  @Test
  void whenTheQuotaCannotBeDecidedTheTokenTakenIsGivenBackAndTheDecisionFails() {
    UsagePlanThrottler plan = new UsagePlanThrottler(new UsagePlan("p", new UsagePlan.Throttle(0.001, 1),
        new UsagePlan.Quota(100, QuotaPeriod.DAY), List.of()), counters);

    windowsDown.set(true);
    for (int i = 0; i < 3; i++) {
      Future<ThrottleDecision> failed = plan.throttle(as("k1"));
      assertTrue(failed.failed(), "a decision the store could not make is a failure (onStoreFailure applies)");
    }

    windowsDown.set(false);
    ThrottleDecision admitted = decided(plan.throttle(as("k1")));
    assertTrue(admitted.allowed(), "the bucket's only token was given back each time");
    assertFalse(decided(plan.throttle(as("k1"))).allowed());
  }

  @Test
  void refundingAnAdmittingDecisionGivesBackBothTheTokenAndTheCount() {
    UsagePlanThrottler plan = new UsagePlanThrottler(new UsagePlan("p", new UsagePlan.Throttle(0.001, 1),
        new UsagePlan.Quota(1, QuotaPeriod.DAY), List.of()), counters);

    ThrottleDecision first = decided(plan.throttle(as("k2")));
    assertTrue(first.allowed());
    assertEquals(1, first.limit());
    assertTrue(first.refund().succeeded());

    assertTrue(decided(plan.throttle(as("k2"))).allowed(), "token and count were both given back");
    assertFalse(decided(plan.throttle(as("k2"))).allowed());
  }
}
