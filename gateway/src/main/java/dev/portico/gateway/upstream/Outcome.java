package dev.portico.gateway.upstream;

/**
 * How one try at a target ended, as passive health checks, the circuit breaker and
 * {@code portico_upstream_requests_total{outcome}} see it. A failure is what says the target is
 * sick: it could not be reached, it broke the exchange off, it was too slow, or it answered 502,
 * 503 or 504. Any other status is the backend's answer, a success here.
 */
public enum Outcome {
  SUCCESS("success"),
  CONNECT_FAILURE("connect-failure"),
  RESET("reset"),
  TIMEOUT("timeout"),
  BAD_GATEWAY("502"),
  SERVICE_UNAVAILABLE("503"),
  GATEWAY_TIMEOUT("504");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  /** The metric label, and the word {@code retries.on} uses (a timeout is retried as {@code 504}). */
  public String label() {
    return label;
  }

  public boolean failure() {
    return this != SUCCESS;
  }

  /** The outcome of a response head with this status. */
  public static Outcome ofStatus(int status) {
    return switch (status) {
      case 502 -> BAD_GATEWAY;
      case 503 -> SERVICE_UNAVAILABLE;
      case 504 -> GATEWAY_TIMEOUT;
      default -> SUCCESS;
    };
  }
}
