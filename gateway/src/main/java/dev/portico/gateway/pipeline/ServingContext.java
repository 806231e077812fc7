package dev.portico.gateway.pipeline;

import dev.portico.gateway.proxy.ClientAddress;
import dev.portico.gateway.proxy.Upstreams;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** What one event loop serves with: its Vert.x, its backend clients and the current configuration. */
public final class ServingContext {

  private final Vertx vertx;
  private final Upstreams upstreams;
  private final Supplier<ActiveConfig> active;

  public ServingContext(Vertx vertx, Upstreams upstreams, Supplier<ActiveConfig> active) {
    this.vertx = vertx;
    this.upstreams = upstreams;
    this.active = active;
  }

  Vertx vertx() {
    return vertx;
  }

  Upstreams upstreams() {
    return upstreams;
  }

  ActiveConfig active() {
    return active.get();
  }

  ClientAddress clientAddress() {
    return active.get().clientAddress();
  }
}
