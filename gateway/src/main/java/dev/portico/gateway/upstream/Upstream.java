package dev.portico.gateway.upstream;

import dev.portico.gateway.config.UpstreamDefinition;
import dev.portico.gateway.config.UpstreamDefinition.PassiveChecks;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Template;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream as served now: its targets with their health, the balancer that chooses among
 * them, its circuit breaker, and the passive checks that eject a target after consecutive
 * failures. Built by {@link UpstreamRegistry} for each configuration; what must outlive a reload
 * (each target's health, the breaker when its settings stay) is handed over from the previous one.
 *
 * <p>Shared by every event loop of the node: choosing a target and recording an outcome are safe
 * from any thread.
 */
public final class Upstream {

  private static final Logger log = LoggerFactory.getLogger(Upstream.class);
  /** An ejection never lasts longer than this, however often a target was ejected in a row. */
  static final long MAX_EJECTION_NANOS = 5 * 60 * 1_000_000_000L;

  /** One target: as configured, its health, and its request counters by outcome. */
  public static final class Target {
    private final UpstreamDefinition.Target definition;
    final TargetHealth health;
    final Counter[] outcomes;

    Target(UpstreamDefinition.Target definition, TargetHealth health, Counter[] outcomes) {
      this.definition = definition;
      this.health = health;
      this.outcomes = outcomes;
    }

    public UpstreamDefinition.Target definition() {
      return definition;
    }

    public String url() {
      return definition.url();
    }

    /** Requests in flight to this target on this node. */
    public int inFlight() {
      return health.inFlight.get();
    }
  }

  private final UpstreamDefinition definition;
  private final Target[] targets;
  private final Balancer balancer;
  private final CircuitBreaker breaker;
  private final Template hashOn;
  private final Counter retries;
  /** Serialises ejections: how many targets are ejected must be counted and changed at once. */
  private final Object ejectionLock;

  Upstream(UpstreamDefinition definition, Target[] targets, CircuitBreaker breaker, Counter retries, Object ejectionLock) {
    this.definition = definition;
    this.targets = targets;
    this.breaker = breaker;
    this.retries = retries;
    this.ejectionLock = ejectionLock;
    this.hashOn = definition.hashOn() == null ? null : Template.parse(definition.hashOn(), false);
    List<String> ids = new ArrayList<>(targets.length);
    int[] weights = new int[targets.length];
    AtomicInteger[] inFlight = new AtomicInteger[targets.length];
    for (int i = 0; i < targets.length; i++) {
      ids.add(targets[i].url());
      weights[i] = targets[i].definition.weight();
      inFlight[i] = targets[i].health.inFlight;
    }
    this.balancer = Balancer.create(definition.balance().written(), ids, weights, inFlight);
  }

  public String name() {
    return definition.name();
  }

  public UpstreamDefinition definition() {
    return definition;
  }

  public int size() {
    return targets.length;
  }

  public Target target(int i) {
    return targets[i];
  }

  /** The breaker, or null when the upstream has none. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * The value requests are hashed on, or null when the upstream does not balance by hash.
   *
   * @throws dev.portico.spi.Rejection a 400 when the template marks a value required and it is missing
   */
  public String hashKey(RequestContext ctx) {
    return hashOn == null ? null : hashOn.render(ctx);
  }

  /**
   * The target of the next try: a usable one (weight above 0, not marked down, not ejected) the
   * request has not tried yet when there is one, else a usable one it has tried.
   *
   * @param tried the indexes of the targets tried so far; the first {@code triedCount} count
   * @return the target's index, or -1 when no target is usable
   */
  public int choose(String hashKey, int[] tried, int triedCount) {
    long now = System.nanoTime();
    if (triedCount > 0) {
      int fresh = balancer.pick(hashKey, i -> usable(i, now) && !contains(tried, triedCount, i));
      if (fresh >= 0) {
        return fresh;
      }
    }
    return balancer.pick(hashKey, i -> usable(i, now));
  }

  /** The target of a first try (none tried yet). */
  public int choose(String hashKey) {
    long now = System.nanoTime();
    IntPredicate usable = i -> usable(i, now);
    return balancer.pick(hashKey, usable);
  }

  private boolean usable(int i, long now) {
    Target t = targets[i];
    return t.definition.weight() > 0 && t.health.available(now);
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  /** A try is about to be sent to target {@code i}. */
  public void started(int i) {
    targets[i].health.inFlight.incrementAndGet();
  }

  /**
   * A try at target {@code i} ended: counted, and seen by the passive checks (a success clears the
   * target's consecutive failures; {@code unhealthyAfter} failures in a row eject it).
   *
   * @param outcome how it ended, or null when the client ended it
   */
  public void finished(int i, Outcome outcome) {
    Target t = targets[i];
    t.health.inFlight.decrementAndGet();
    if (outcome == null) {
      return; // the client ended it (went away, or its body was over the limit): nothing said of the target
    }
    t.outcomes[outcome.ordinal()].increment();
    AtomicInteger failures = t.health.consecutiveFailures;
    if (!outcome.failure()) {
      if (failures.get() != 0) {
        failures.set(0);
      }
      return;
    }
    PassiveChecks passive = definition.passive();
    if (passive != null && failures.incrementAndGet() >= passive.unhealthyAfter()) {
      eject(t, passive, outcome);
    }
  }

  /** A try was retried. */
  public void retried() {
    retries.increment();
  }

  private void eject(Target t, PassiveChecks passive, Outcome last) {
    long now = System.nanoTime();
    synchronized (ejectionLock) {
      if (t.health.ejectedAt(now)) {
        return;
      }
      int candidates = 0;
      int ejected = 0;
      for (Target other : targets) {
        if (other.definition.weight() > 0) {
          candidates++;
          if (other.health.ejectedAt(now)) {
            ejected++;
          }
        }
      }
      // never more than maxEjectedPercent, rounded down; but one target may always be ejected
      int allowed = Math.max(1, candidates * passive.maxEjectedPercent() / 100);
      if (ejected >= allowed) {
        log.debug("upstream '{}': target {} failed {} times in a row but {} of {} targets are ejected already",
            name(), t.url(), passive.unhealthyAfter(), ejected, candidates);
        return;
      }
      if (now - t.health.lastEjectionEndNanos > MAX_EJECTION_NANOS) {
        t.health.ejections = 0; // well for long enough: the next ejection is short again
      }
      t.health.ejections++;
      long base = passive.ejectFor().toNanos();
      long length = t.health.ejections > 20 ? MAX_EJECTION_NANOS
          : Math.min(MAX_EJECTION_NANOS, base << (t.health.ejections - 1));
      if (length <= 0) {
        length = MAX_EJECTION_NANOS;
      }
      String why = passive.unhealthyAfter() + " failures in a row (last: " + last.label() + ")";
      t.health.eject(now, length, why);
      log.warn("upstream '{}': target {} ejected for {} ms after {}", name(), t.url(), length / 1_000_000, why);
    }
  }

  /**
   * Seconds a client should wait before trying again when no target is usable: until the first
   * ejection ends, or until active probes may have seen a target recover.
   */
  public long retryAfterSeconds() {
    long now = System.nanoTime();
    long soonest = Long.MAX_VALUE;
    for (Target t : targets) {
      long left = t.health.ejectionLeftNanos(now);
      if (left > 0) {
        soonest = Math.min(soonest, left);
      }
    }
    if (soonest == Long.MAX_VALUE && definition.active() != null) {
      soonest = definition.active().interval().toNanos() * definition.active().healthyAfter();
    }
    if (soonest == Long.MAX_VALUE) {
      return 1;
    }
    return Math.max(1, (soonest + 999_999_999L) / 1_000_000_000L);
  }

  /** The health of the target with this URL, or null when the upstream has no such target. */
  TargetHealth healthOf(String url) {
    for (Target t : targets) {
      if (t.url().equals(url)) {
        return t.health;
      }
    }
    return null;
  }

  Object ejectionLock() {
    return ejectionLock;
  }

  Counter retriesCounter() {
    return retries;
  }

  /** Whether target {@code i} may get traffic now, for {@code portico_upstream_target_up}. */
  boolean up(int i) {
    return usable(i, System.nanoTime());
  }

  /** Target {@code i}'s state as {@code GET /upstreams/{name}} reports it. */
  public TargetHealth.Report report(int i) {
    return targets[i].health.report(targets[i].definition.weight(), System.nanoTime());
  }

  @Override
  public String toString() {
    return "upstream '" + name() + "'";
  }
}
