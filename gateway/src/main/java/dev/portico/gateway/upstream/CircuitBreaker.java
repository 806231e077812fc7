package dev.portico.gateway.upstream;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One upstream's breaker: opens when, over {@code window}, at least {@code minRequests} finished
 * and the share of failures reached {@code failureRate}; stays open {@code openFor}; then half-open:
 * lets {@code halfOpenRequests} trial requests through; all succeed → closed, any fails → open
 * again (for {@code openFor}). An open breaker spares a failing backend the full traffic and its
 * clients the wait for errors; the trials find out, at a small cost, whether it has recovered.
 *
 * <pre>{@code
 * if (!breaker.tryAcquire(now)) { ... 503, Retry-After: ceil(breaker.millisUntilHalfOpen(now) / 1000) ... }
 * ... send the request, then, for every request let through:
 * breaker.record(succeeded, clock.millis());
 * }</pre>
 *
 * <p>Times are passed in, in millis from any monotonic clock (the same one for every call), so the
 * breaker never reads a clock itself and tests need no sleeping.
 *
 * <p>The window slides by tenths: outcomes are counted in {@value #BUCKETS} buckets of a tenth of
 * the window each, and a bucket drops out whole, so an outcome counts for at most {@code window}
 * and at least nine tenths of it. When the breaker opens the window is emptied, and it starts empty
 * again when the breaker closes, so a recovered backend is not judged on what it did before.
 *
 * <p>Every request that {@link #tryAcquire} lets through must have its outcome {@link #record
 * recorded}: in half-open, the breaker waits for its trials' outcomes before deciding. An outcome
 * that arrives while open (a request admitted before the breaker opened) is ignored; one that
 * arrives while half-open is taken as a trial's, which a request admitted before the breaker opened
 * can only be if it took longer than {@code openFor}.
 *
 * @implNote The state sits behind one monitor, held for a few comparisons and additions over two
 *     arrays of ten longs: no allocation, no I/O, no wait, so even with every event loop of a node
 *     recording at once the hold is nanoseconds, cheaper than the striping a lock-free window would
 *     need to count exactly. The one check on every request that need not lock, {@code tryAcquire}
 *     while closed, reads a volatile field only.
 */
public final class CircuitBreaker {

  public enum State { CLOSED, OPEN, HALF_OPEN }

  static final int BUCKETS = 10;

  private final double failureRate;
  private final int minRequests;
  private final long openForMillis;
  private final int halfOpenRequests;
  private final long bucketMillis;

  /** Per bucket: its number (time / bucketMillis), and what finished during it. */
  private final long[] bucketNumbers = new long[BUCKETS];
  private final long[] successes = new long[BUCKETS];
  private final long[] failures = new long[BUCKETS];
  /** The sums over the buckets still in the window. */
  private long windowSuccesses;
  private long windowFailures;
  /** The newest bucket number seen, to drop the buckets that left the window only when it moves. */
  private long latestBucket = Long.MIN_VALUE;

  private volatile State state = State.CLOSED;
  private long stateSince;
  private long openUntil;
  private int trialsAdmitted;
  private int trialsSucceeded;

  private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
  /** Transitions not yet told to the listeners, in the order they happened. */
  private final ArrayDeque<State> untold = new ArrayDeque<>();
  private final Object telling = new Object();

  /**
   * @param failureRate the share of failures that opens it, above 0 and at most 1 (0.5 for 50%)
   * @param minRequests how many requests must have finished within the window before it may open
   * @param windowMillis how far back outcomes count
   * @param openForMillis how long it stays open before letting trials through
   * @param halfOpenRequests how many trial requests decide, all of them successful, that it closes
   */
  public CircuitBreaker(
      double failureRate, int minRequests, long windowMillis, long openForMillis, int halfOpenRequests) {
    this(failureRate, minRequests, windowMillis, openForMillis, halfOpenRequests, 0);
  }

  /** As the other constructor, with the time the breaker starts closed, for {@link #stateSinceMillis}. */
  public CircuitBreaker(double failureRate, int minRequests, long windowMillis, long openForMillis,
      int halfOpenRequests, long nowMillis) {
    if (!(failureRate > 0 && failureRate <= 1)) {
      throw new IllegalArgumentException("failureRate must be above 0 and at most 1: " + failureRate);
    }
    if (minRequests < 1 || halfOpenRequests < 1) {
      throw new IllegalArgumentException("minRequests and halfOpenRequests must be at least 1");
    }
    if (windowMillis < BUCKETS || openForMillis < 0) {
      throw new IllegalArgumentException("window must be at least " + BUCKETS + "ms and openFor at least 0");
    }
    this.failureRate = failureRate;
    this.minRequests = minRequests;
    this.openForMillis = openForMillis;
    this.halfOpenRequests = halfOpenRequests;
    this.bucketMillis = windowMillis / BUCKETS;
    this.stateSince = nowMillis;
  }

  /**
   * Calls {@code listener} with the new state on every transition, in the order they happen, after
   * the breaker's own lock is released (so a listener may call the breaker), one transition at a
   * time. A listener must be quick and must not throw: the thread that made the transition runs it.
   */
  public void onStateChange(Consumer<State> listener) {
    listeners.add(listener);
  }

  /**
   * Whether a request may go now; when false, the caller answers 503. In half-open, takes one of
   * the trial slots (false once they are all taken, until their outcomes are in). Moves OPEN to
   * HALF_OPEN when {@code openFor} has passed.
   */
  public boolean tryAcquire(long nowMillis) {
    if (state == State.CLOSED) {
      return true;
    }
    boolean admitted;
    boolean changed;
    synchronized (this) {
      changed = halfOpenIfDue(nowMillis);
      if (state == State.HALF_OPEN) {
        admitted = trialsAdmitted < halfOpenRequests;
        if (admitted) {
          trialsAdmitted++;
        }
      } else {
        admitted = state == State.CLOSED;
      }
    }
    if (changed) {
      tell();
    }
    return admitted;
  }

  /** The outcome of a request that {@link #tryAcquire} let through. */
  public void record(boolean success, long nowMillis) {
    boolean changed = false;
    synchronized (this) {
      switch (state) {
        case CLOSED -> {
          count(success, nowMillis);
          long finished = windowSuccesses + windowFailures;
          if (finished >= minRequests && (double) windowFailures / finished >= failureRate) {
            changed = open(nowMillis);
          }
        }
        case HALF_OPEN -> {
          if (!success) {
            changed = open(nowMillis);
          } else if (++trialsSucceeded >= halfOpenRequests) {
            clearWindow();
            changed = moveTo(State.CLOSED, nowMillis);
          }
        }
        case OPEN -> {
          // a straggler admitted before the breaker opened: the trials will decide
        }
      }
    }
    if (changed) {
      tell();
    }
  }

  /** The state at {@code nowMillis}: an open breaker whose {@code openFor} has passed is half-open. */
  public State state(long nowMillis) {
    boolean changed;
    State now;
    synchronized (this) {
      changed = halfOpenIfDue(nowMillis);
      now = state;
    }
    if (changed) {
      tell();
    }
    return now;
  }

  /** Millis until an open breaker half-opens (0 when not open). For Retry-After. */
  public synchronized long millisUntilHalfOpen(long nowMillis) {
    return state == State.OPEN ? Math.max(0, openUntil - nowMillis) : 0;
  }

  /**
   * When the current state began, on the callers' clock, for the admin API's "since": a half-open
   * state began when {@code openFor} ran out, even if nobody asked until later. Before the first
   * transition, the time given to the constructor (0 if none was).
   */
  public synchronized long stateSinceMillis() {
    return stateSince;
  }

  private void count(boolean success, long nowMillis) {
    long bucket = Math.floorDiv(nowMillis, bucketMillis);
    if (bucket > latestBucket) {
      latestBucket = bucket;
      for (int b = 0; b < BUCKETS; b++) {
        if (bucketNumbers[b] <= bucket - BUCKETS && (successes[b] | failures[b]) != 0) {
          windowSuccesses -= successes[b];
          windowFailures -= failures[b];
          successes[b] = 0;
          failures[b] = 0;
        }
      }
    } else if (bucket <= latestBucket - BUCKETS) {
      return; // reported so late that it has already left the window
    }
    int slot = (int) Math.floorMod(bucket, (long) BUCKETS);
    if (bucketNumbers[slot] != bucket) {
      windowSuccesses -= successes[slot];
      windowFailures -= failures[slot];
      successes[slot] = 0;
      failures[slot] = 0;
      bucketNumbers[slot] = bucket;
    }
    if (success) {
      successes[slot]++;
      windowSuccesses++;
    } else {
      failures[slot]++;
      windowFailures++;
    }
  }

  private void clearWindow() {
    for (int b = 0; b < BUCKETS; b++) {
      successes[b] = 0;
      failures[b] = 0;
    }
    windowSuccesses = 0;
    windowFailures = 0;
  }

  private boolean open(long nowMillis) {
    clearWindow();
    openUntil = nowMillis + openForMillis;
    return moveTo(State.OPEN, nowMillis);
  }

  private boolean halfOpenIfDue(long nowMillis) {
    if (state == State.OPEN && nowMillis >= openUntil) {
      trialsAdmitted = 0;
      trialsSucceeded = 0;
      return moveTo(State.HALF_OPEN, openUntil);
    }
    return false;
  }

  /** Under the lock. True: a transition is waiting to be told, by {@link #tell} once unlocked. */
  private boolean moveTo(State next, long since) {
    state = next;
    stateSince = since;
    if (listeners.isEmpty()) {
      return false;
    }
    untold.add(next);
    return true;
  }

  /**
   * Tells the listeners about the transitions waiting, outside the breaker's lock. The lock taken
   * here is never taken on a request's path, only after a transition; it keeps the transitions in
   * order when two threads make one each at the same time.
   */
  private void tell() {
    synchronized (telling) {
      while (true) {
        State next;
        synchronized (this) {
          next = untold.poll();
        }
        if (next == null) {
          return;
        }
        for (Consumer<State> listener : listeners) {
          listener.accept(next);
        }
      }
    }
  }
}
