package dev.portico.gateway.pipeline;

import dev.portico.gateway.plugin.PolicyHandle;
import dev.portico.spi.Authorizer;
import dev.portico.spi.Rejection;
import dev.portico.spi.ThrottleDecision;
import dev.portico.spi.Throttler;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one kind of a route's policies as a chain, each plugin hook through one guard: transformers'
 * {@code onMatch}, {@code onRequest} and {@code onResponse} (in reverse order), authorizers,
 * throttlers. A hook that throws, returns null or fails with anything but a {@link Rejection}
 * becomes a {@link PluginFailure}; a {@link Rejection} is counted against the policy that made it.
 *
 * <p>Apart from {@link Pipeline} so that the pipeline says in which order the phases come, and this
 * class how a phase treats its plugins: one place decides what a plugin's failure means.
 */
final class PolicyChain {

  /** Logged under the pipeline's name, which operators filter the gateway's request problems by. */
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
  private static final Future<Void> DONE = Future.succeededFuture();

  private final ServingContext serving;

  PolicyChain(ServingContext serving) {
    this.serving = serving;
  }

  /** The transformers' {@code onMatch}, in order, stopping at an answer. */
  Future<Void> onMatch(Exchange ex) {
    return transformers(ex, 0, true);
  }

  /** The transformers' {@code onRequest}, in order, stopping at an answer. */
  Future<Void> onRequest(Exchange ex) {
    return transformers(ex, 0, false);
  }

  /** The transformers' {@code onResponse}, in reverse order. */
  Future<Void> onResponse(Exchange ex) {
    return responseTransformers(ex, ex.route.transformers.length - 1);
  }

  /** Runs {@code onMatch} (first) or {@code onRequest} of the route's transformers in order, stopping at an answer. */
  private Future<Void> transformers(Exchange ex, int i, boolean onMatch) {
    PolicyHandle[] all = ex.route.transformers;
    if (i == all.length || ex.answered()) {
      return DONE;
    }
    Transformer t = (Transformer) all[i].policy();
    return guard(ex, all[i], () -> onMatch ? t.onMatch(ex) : t.onRequest(ex))
        .compose(v -> transformers(ex, i + 1, onMatch));
  }

  private Future<Void> responseTransformers(Exchange ex, int i) {
    if (i < 0) {
      return DONE;
    }
    PolicyHandle h = ex.route.transformers[i];
    Transformer t = (Transformer) h.policy();
    return guard(ex, h, () -> t.onResponse(ex)).compose(v -> responseTransformers(ex, i - 1));
  }

  /** The authorizers, in order; each must allow, and the last one's principal stands. */
  Future<Void> authorize(Exchange ex) {
    return authorize(ex, 0);
  }

  private Future<Void> authorize(Exchange ex, int i) {
    PolicyHandle[] all = ex.route.authorizers;
    if (i == all.length) {
      return DONE;
    }
    Authorizer a = (Authorizer) all[i].policy();
    return guard(ex, all[i], () -> a.authorize(ex)).compose(principal -> {
      ex.principal(principal);
      return authorize(ex, i + 1);
    });
  }

  /**
   * The throttlers, the key's usage plan first; a rejection gives back what the earlier ones took.
   * The most restrictive decision is left on the exchange for the {@code RateLimit-*} headers.
   */
  Future<Void> throttle(Exchange ex) {
    PolicyHandle[] route = ex.route.throttlers;
    String plan = ex.principal().usagePlan();
    PolicyHandle planThrottler = plan == null ? null : ex.active.planThrottlers().get(plan);
    PolicyHandle[] chain = route;
    if (planThrottler != null) {
      // a key's usage plan is the first throttler (docs/CONFIGURATION.md, section 12)
      chain = new PolicyHandle[route.length + 1];
      chain[0] = planThrottler;
      System.arraycopy(route, 0, chain, 1, route.length);
    }
    if (chain.length == 0) {
      return DONE;
    }
    return throttle(ex, chain, 0, new ArrayList<>(chain.length));
  }

  private Future<Void> throttle(Exchange ex, PolicyHandle[] chain, int i, List<ThrottleDecision> admitted) {
    if (i == chain.length) {
      ex.rateLimitHeaders = mostRestrictive(admitted);
      return DONE;
    }
    PolicyHandle handle = chain[i];
    Future<ThrottleDecision> decided;
    try {
      decided = ((Throttler) handle.policy()).throttle(ex);
    } catch (Rejection r) {
      refundAll(admitted);
      return Future.failedFuture(rejected(ex, handle, r));
    } catch (RuntimeException | Error bug) {
      refundAll(admitted);
      return Future.failedFuture(new PluginFailure(handle, bug));
    }
    if (decided == null) {
      refundAll(admitted);
      return Future.failedFuture(new PluginFailure(handle, new NullPointerException("hook returned null")));
    }
    return decided.transform(ar -> {
      if (ar.failed() && ar.cause() instanceof Rejection r) {
        // the throttler denied outright: honour it, never let it through as a store failure
        refundAll(admitted);
        return Future.failedFuture(rejected(ex, handle, r));
      }
      if (ar.failed()) {
        // the decision could not be made (store unreachable or slow): counters.onStoreFailure decides
        StoreFailures.warn(handle, ar.cause());
        if (ex.active.denyOnStoreFailure()) {
          refundAll(admitted);
          return Future.failedFuture(rejected(ex, handle, Rejection.of(503, "Service Unavailable")));
        }
        return throttle(ex, chain, i + 1, admitted);
      }
      ThrottleDecision d = ar.result();
      if (d == null) {
        refundAll(admitted);
        return Future.failedFuture(new PluginFailure(handle, new NullPointerException("throttle decision is null")));
      }
      if (!d.allowed()) {
        refundAll(admitted);
        ex.rateLimitHeaders = d;
        long retry = RateLimitHeaders.ceilSeconds(d.resetAfter());
        return Future.failedFuture(rejected(ex, handle,
            Rejection.of(429, "Too Many Requests").header("Retry-After", String.valueOf(retry))));
      }
      admitted.add(d);
      return throttle(ex, chain, i + 1, admitted);
    });
  }

  private static void refundAll(List<ThrottleDecision> admitted) {
    for (ThrottleDecision d : admitted) {
      d.refund().onFailure(e -> log.warn("could not give back a throttle decision: {}", e.toString()));
    }
  }

  /** The decision with the least left (ties: the one that resets last) speaks for the route. */
  private static ThrottleDecision mostRestrictive(List<ThrottleDecision> decisions) {
    ThrottleDecision best = null;
    for (ThrottleDecision d : decisions) {
      if (best == null || d.remaining() < best.remaining()
          || d.remaining() == best.remaining() && d.resetAfter().compareTo(best.resetAfter()) > 0) {
        best = d;
      }
    }
    return best;
  }

  /**
   * Runs a plugin hook, turning a synchronous throw or a non-Rejection failure into a
   * {@link PluginFailure}; a {@link Rejection} is counted against the policy that made it.
   */
  private <T> Future<T> guard(Exchange ex, PolicyHandle policy, Hook<T> hook) {
    Future<T> f;
    try {
      f = hook.run();
    } catch (Rejection r) {
      return Future.failedFuture(rejected(ex, policy, r));
    } catch (RuntimeException | Error bug) {
      return Future.failedFuture(new PluginFailure(policy, bug));
    }
    if (f == null) {
      return Future.failedFuture(new PluginFailure(policy, new NullPointerException("hook returned null")));
    }
    return f.recover(e -> Future.failedFuture(e instanceof Rejection r ? rejected(ex, policy, r) : new PluginFailure(policy, e)));
  }

  /** Counts a policy's refusal: a throttler's 429 as throttled, anything else as denied. */
  private Rejection rejected(Exchange ex, PolicyHandle policy, Rejection r) {
    if (r.status() == 429 && policy.policy() instanceof Throttler) {
      Pipeline.metricsOf(serving, ex.route).throttled(policy.name());
    } else {
      Pipeline.metricsOf(serving, ex.route).denied(policy.name(), r.status());
    }
    return r;
  }

  @FunctionalInterface
  private interface Hook<T> {
    Future<T> run();
  }
}
