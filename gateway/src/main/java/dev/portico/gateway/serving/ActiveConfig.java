package dev.portico.gateway.serving;

import dev.portico.gateway.plugin.PolicyHandle;
import dev.portico.gateway.proxy.ClientAddress;
import dev.portico.gateway.routing.RouteTable;
import java.util.Map;

/**
 * Everything a request needs from the configuration, compiled: the route table and the
 * request-level settings. Immutable; the gateway swaps it atomically on a change, and a request
 * finishes on the one it started with.
 *
 * @param planThrottlers the throttler of each usage plan (built once, as a handle for failure logs),
 *     applied first for a key of that plan
 */
public record ActiveConfig(
    RouteTable<CompiledRoute> routes,
    ClientAddress clientAddress,
    long maxBodySize,
    long bodyTimeoutMillis,
    boolean denyOnStoreFailure,
    boolean accessLog,
    Map<String, PolicyHandle> planThrottlers) {}
