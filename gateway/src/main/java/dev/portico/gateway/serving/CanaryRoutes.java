package dev.portico.gateway.serving;

import dev.portico.gateway.routing.RouteTable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A stage's canary: the routes of its canary deployment and the share of the stage's requests
 * they get. Each request goes to the canary with probability {@code percent}/100; with
 * {@code sticky}, a client address always lands on the same side (as long as the percentage
 * stays), so a client does not see two versions in turn.
 */
public final class CanaryRoutes {

  /** In ten-thousandths: a request goes to the canary when its draw is below it. */
  private final int threshold;
  private final boolean sticky;
  public final RouteTable<CompiledRoute> routes;

  public CanaryRoutes(double percent, boolean sticky, RouteTable<CompiledRoute> routes) {
    this.threshold = (int) Math.round(Math.max(0, Math.min(100, percent)) * 100);
    this.sticky = sticky;
    this.routes = routes;
  }

  public boolean sticky() {
    return sticky;
  }

  /** Whether this request goes to the canary; {@code client} is its address, read only when sticky. */
  public boolean chosen(String client) {
    int draw = sticky ? Math.floorMod(mix(client.hashCode()), 10_000) : ThreadLocalRandom.current().nextInt(10_000);
    return draw < threshold;
  }

  /** Spreads similar addresses (10.0.0.1, 10.0.0.2) over the whole range. */
  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
