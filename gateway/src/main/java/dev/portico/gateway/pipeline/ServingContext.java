package dev.portico.gateway.pipeline;

import dev.portico.gateway.metrics.GatewayMetrics;
import dev.portico.gateway.proxy.BackendClients;
import dev.portico.gateway.proxy.ClientAddress;
import dev.portico.gateway.serving.ActiveConfig;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** What one event loop serves with: its Vert.x, its backend clients, the current configuration and the metrics. */
public final class ServingContext {

  private final Vertx vertx;
  private final BackendClients clients;
  private final Supplier<ActiveConfig> active;
  private final GatewayMetrics metrics;

  public ServingContext(Vertx vertx, BackendClients clients, Supplier<ActiveConfig> active, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.clients = clients;
    this.active = active;
    this.metrics = metrics;
  }

  GatewayMetrics metrics() {
    return metrics;
  }

  Vertx vertx() {
    return vertx;
  }

  BackendClients clients() {
    return clients;
  }

  ActiveConfig active() {
    return active.get();
  }

  ClientAddress clientAddress() {
    return active.get().clientAddress();
  }
}
