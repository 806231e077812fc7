package dev.portico.gateway.proxy;

import dev.portico.gateway.config.Cidr;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * Who the client is, and what {@code X-Forwarded-For} the backend gets (docs/CONFIGURATION.md,
 * section 16): the client address is appended to the incoming header only when the connection
 * comes from a trusted proxy; otherwise the header is replaced. The client is the right-most
 * untrusted address. The other client-address headers ({@code Forwarded}, {@code X-Real-IP},
 * {@code True-Client-IP}) pass to the backend only from a trusted proxy
 * ({@link HopByHop#copyFromClient}).
 */
public final class ClientAddress {

  private final List<Cidr> trustedProxies;

  public ClientAddress(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  public boolean trusts(String address) {
    for (int i = 0; i < trustedProxies.size(); i++) {
      if (trustedProxies.get(i).contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the request's connection comes from a trusted proxy; false at once when none is configured. */
  public boolean trustsPeerOf(HttpServerRequest request) {
    return !trustedProxies.isEmpty() && request.remoteAddress() != null && trusts(request.remoteAddress().hostAddress());
  }

  /** The {@code X-Forwarded-For} to send on, given the connection's peer and what came in. */
  public String forwardedFor(String peer, String incoming) {
    if (incoming == null || incoming.isBlank() || trustedProxies.isEmpty() || !trusts(peer)) {
      return peer;
    }
    return incoming + ", " + peer;
  }

  /** The client's address: the peer, or when the peer is trusted, the right-most untrusted address of the chain. */
  public String sourceIp(String peer, String incoming) {
    if (trustedProxies.isEmpty() || incoming == null || incoming.isBlank() || !trusts(peer)) {
      return peer;
    }
    String[] hops = incoming.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trusts(hop)) {
        return hop;
      }
    }
    String first = hops[0].trim();
    return first.isEmpty() ? peer : first;
  }
}
