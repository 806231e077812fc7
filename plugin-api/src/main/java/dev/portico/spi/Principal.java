package dev.portico.spi;

import java.util.Map;
import java.util.Objects;

/**
 * Who is calling, as established by an authorizer: an {@code id} and the claims that came with it
 * (a JWT's claims, an HTTP authorizer's answer). Templates read it as {@code ${principal.id}} and
 * {@code ${principal.<claim>}}.
 *
 * <pre>{@code
 * Principal p = Principal.of("alice", Map.of("email", "alice@example.com", "scope", "pets:read"));
 * p.id();              // "alice"
 * p.claim("email");    // "alice@example.com"
 * }</pre>
 *
 * @param id the caller's identifier (a JWT's {@code sub}, an API key's {@code id})
 * @param claims every other fact about the caller, by name; unmodifiable
 * @param usagePlan the usage plan that applies to this caller, or null (set by {@code api-key})
 */
public record Principal(String id, Map<String, Object> claims, String usagePlan) {

  /** The principal of a request no authorizer has identified. */
  public static final Principal ANONYMOUS = new Principal("", Map.of(), null);

  public Principal {
    Objects.requireNonNull(id, "id");
    claims = Map.copyOf(claims);
  }

  public static Principal of(String id) {
    return new Principal(id, Map.of(), null);
  }

  public static Principal of(String id, Map<String, Object> claims) {
    return new Principal(id, claims, null);
  }

  /** A claim by name; {@code "id"} is the id itself. Null when absent. */
  public Object claim(String name) {
    return "id".equals(name) ? id : claims.get(name);
  }

  /** This principal, with a usage plan the gateway applies as the route's first throttler. */
  public Principal withUsagePlan(String plan) {
    return new Principal(id, claims, plan);
  }

  public boolean isAnonymous() {
    return this == ANONYMOUS;
  }
}
