package dev.portico.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * Timeouts of one event loop: the backend must answer (its response head) before the route's
 * {@code timeout}, or the exchange is abandoned and the client gets 504; a request body must have
 * arrived within {@code server.bodyTimeout}, or the client gets 408; a streaming response body
 * must not stand still for the integration's {@code idleTimeout} ({@link IdleWatch}).
 *
 * @implNote A Vert.x request timeout costs a scheduled task and a concurrent-map entry per request,
 *     armed and cancelled on every call; at tens of thousands of requests a second that showed up in
 *     profiles. Here each distinct timeout has a list ordered by deadline (requests with one timeout
 *     expire in the order they were sent), an exchange is linked in and out in O(1), and one periodic
 *     tick per event loop walks only the expired heads. Deadlines are thus honoured to within
 *     {@link #TICK_MILLIS}. Everything is touched from the owning event loop only.
 */
public final class Deadlines {

  static final long TICK_MILLIS = 25;

  private final Map<Long, Lane> lanes = new HashMap<>();
  private final long timer;
  private final Vertx vertx;
  /** The time of the last tick: the clock a streaming body reads on every chunk, for nothing. */
  private long now = System.nanoTime();
  /** Response bodies streaming now; in no order, as each one's clock restarts with every chunk. */
  private IdleWatch watched;

  public Deadlines(Vertx vertx) {
    this.vertx = vertx;
    this.timer = vertx.setPeriodic(TICK_MILLIS, id -> tick(System.nanoTime()));
  }

  private void tick(long nanos) {
    now = nanos;
    expire(nanos);
    IdleWatch w = watched;
    while (w != null) {
      IdleWatch next = w.next;
      if (!w.paused && nanos - w.lastMoved >= w.idleNanos) {
        w.stop();
        w.onIdle.run();
      }
      w = next;
    }
  }

  /**
   * Starts watching a streaming body, paused: {@code onIdle} runs on this event loop once nothing moved
   * for {@code idleMillis} (to within {@link #TICK_MILLIS}) while the body was not paused (a
   * slow client holding the body back is not an idle backend).
   */
  public IdleWatch watchIdle(long idleMillis, Runnable onIdle) {
    IdleWatch w = new IdleWatch(idleMillis * 1_000_000L, onIdle);
    w.lastMoved = now;
    w.paused = true; // a response body is paused until the pipeline reads it
    w.next = watched;
    if (watched != null) {
      watched.prev = w;
    }
    watched = w;
    return w;
  }

  /**
   * One streaming body's idle clock.
   *
   * @implNote A chunk costs one field write ({@link #moved}), read from the tick's clock rather
   *     than the system's: a timer per body, or re-arming one per chunk, is what made an earlier
   *     idle timeout cost the no-policy route a fifth of its throughput (docs/BENCHMARKS.md).
   */
  public final class IdleWatch {
    private final long idleNanos;
    private final Runnable onIdle;
    private long lastMoved;
    private boolean paused;
    private boolean stopped;
    private IdleWatch prev;
    private IdleWatch next;

    private IdleWatch(long idleNanos, Runnable onIdle) {
      this.idleNanos = idleNanos;
      this.onIdle = onIdle;
    }

    /** A chunk arrived. */
    public void moved() {
      lastMoved = now;
    }

    /** The reader paused the body (true) or asked for more (false); paused time is not idle time. */
    public void paused(boolean paused) {
      this.paused = paused;
      lastMoved = now;
    }

    /** The body ended or failed: nothing left to watch. */
    public void stop() {
      if (stopped) {
        return;
      }
      stopped = true;
      if (prev == null) {
        watched = next;
      } else {
        prev.next = next;
      }
      if (next != null) {
        next.prev = prev;
      }
      prev = next = null;
    }
  }

  /** Starts the clock for one exchange; {@code onExpiry} runs on this event loop if it runs out. */
  public Entry arm(long timeoutMillis, Runnable onExpiry) {
    Lane lane = lanes.get(timeoutMillis);
    if (lane == null) {
      lane = new Lane();
      lanes.put(timeoutMillis, lane);
    }
    Entry e = new Entry(lane, System.nanoTime() + timeoutMillis * 1_000_000L, onExpiry);
    lane.append(e);
    return e;
  }

  private void expire(long now) {
    for (Lane lane : lanes.values()) {
      Entry e = lane.head;
      while (e != null && e.deadline - now <= 0) {
        Entry next = e.next;
        e.fire();
        e = next;
      }
    }
  }

  public void close() {
    vertx.cancelTimer(timer);
  }

  /** One exchange's deadline. */
  public static final class Entry {
    private final Lane lane;
    private final long deadline;
    private Entry prev;
    private Entry next;
    private boolean linked = true;
    private boolean expired;
    private HttpClientRequest request;
    private final Runnable onExpiry;

    private Entry(Lane lane, long deadline, Runnable onExpiry) {
      this.lane = lane;
      this.deadline = deadline;
      this.onExpiry = onExpiry;
    }

    /** The backend request, once there is one; reset at once if the deadline already passed. */
    void request(HttpClientRequest request) {
      this.request = request;
      if (expired) {
        request.reset(0, new GatewayFailure(504, "Gateway Timeout", null));
      }
    }

    /** What it was waiting for happened in time: stop the clock. */
    public void disarm() {
      if (linked) {
        lane.unlink(this);
      }
    }

    boolean expired() {
      return expired;
    }

    /** Whether a backend connection was had: a failure after it may have reached the backend. */
    boolean connected() {
      return request != null;
    }

    private void fire() {
      lane.unlink(this);
      expired = true;
      if (request != null) {
        request.reset(0, new GatewayFailure(504, "Gateway Timeout", null));
      }
      onExpiry.run();
    }
  }

  /** The exchanges of one timeout value, oldest (soonest to expire) first. */
  private static final class Lane {
    private Entry head;
    private Entry tail;

    void append(Entry e) {
      if (tail == null) {
        head = tail = e;
      } else {
        tail.next = e;
        e.prev = tail;
        tail = e;
      }
    }

    void unlink(Entry e) {
      if (e.prev == null) {
        head = e.next;
      } else {
        e.prev.next = e.next;
      }
      if (e.next == null) {
        tail = e.prev;
      } else {
        e.next.prev = e.prev;
      }
      e.prev = e.next = null;
      e.linked = false;
    }
  }
}
