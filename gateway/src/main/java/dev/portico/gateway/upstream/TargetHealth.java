package dev.portico.gateway.upstream;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this node knows of one target's health: whether active probes found it down, whether
 * passive checks ejected it and until when, its consecutive failures, and the requests in flight
 * to it. Kept across configuration reloads for a target that stays (same upstream, same URL), so
 * a reload never sends traffic to a target known to be dead.
 *
 * @implNote Read on every try from every event loop: the hot reads are volatile fields and atomics,
 *     no lock. Ejecting (rare) is serialised by the upstream's lock, because it must count the
 *     targets already ejected; probe counters are touched only by the upstream's prober.
 */
public final class TargetHealth {

  /** As {@code GET /upstreams/{name}} reports a target. */
  public enum State {
    HEALTHY("healthy"),
    UNHEALTHY("unhealthy"),
    EJECTED("ejected"),
    DRAINED("drained");

    private final String label;

    State(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  final String url;
  /** Requests in flight to this target on this node: what {@code least-requests} balances. */
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger consecutiveFailures = new AtomicInteger();

  private volatile boolean ejected;
  private volatile long ejectedUntilNanos;
  /** Guarded by the upstream's lock: ejections in a row (each doubles the time), and when the last ended. */
  int ejections;
  long lastEjectionEndNanos;

  private volatile boolean activeDown;
  /** Touched by the prober only. */
  int probeSuccesses;
  int probeFailures;
  boolean probing;

  private volatile String reason = "no failure seen yet";
  private volatile long sinceMillis = System.currentTimeMillis();
  private volatile long ejectionEndsAtMillis;

  TargetHealth(String url) {
    this.url = url;
  }

  /** Whether the target may get a try now: not marked down by probes, not ejected (or its time is up). */
  boolean available(long nowNanos) {
    return !activeDown && (!ejected || nowNanos - ejectedUntilNanos >= 0);
  }

  boolean ejectedAt(long nowNanos) {
    return ejected && nowNanos - ejectedUntilNanos < 0;
  }

  /** Nanos until an ejection ends; 0 when not ejected. */
  long ejectionLeftNanos(long nowNanos) {
    return ejectedAt(nowNanos) ? ejectedUntilNanos - nowNanos : 0;
  }

  boolean activeDown() {
    return activeDown;
  }

  void eject(long nowNanos, long forNanos, String why) {
    ejectedUntilNanos = nowNanos + forNanos;
    ejectionEndsAtMillis = System.currentTimeMillis() + forNanos / 1_000_000;
    lastEjectionEndNanos = ejectedUntilNanos;
    ejected = true;
    consecutiveFailures.set(0);
    changed(why);
  }

  void markedDown(String why) {
    activeDown = true;
    changed(why);
  }

  void markedUp(String why) {
    activeDown = false;
    changed(why);
  }

  private void changed(String why) {
    reason = why;
    sinceMillis = System.currentTimeMillis();
  }

  /** The state to report, with why and since when (epoch millis). */
  public record Report(State state, String reason, long sinceMillis) {}

  Report report(int weight, long nowNanos) {
    if (weight == 0) {
      return new Report(State.DRAINED, "weight 0", sinceMillis);
    }
    if (activeDown) {
      return new Report(State.UNHEALTHY, reason, sinceMillis);
    }
    if (ejectedAt(nowNanos)) {
      return new Report(State.EJECTED, reason, sinceMillis);
    }
    if (ejected) {
      // the ejection ran out: the target gets traffic again from then on
      return new Report(State.HEALTHY, "ejection ended (" + reason + ")", ejectionEndsAtMillis);
    }
    return new Report(State.HEALTHY, reason, sinceMillis);
  }
}
