package dev.portico.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A named fleet of backend targets that integrations address as {@code lb://NAME/path}: how
 * requests are spread over them, how sick ones are found and left out, and how failed requests
 * are retried (docs/CONFIGURATION.md, "Upstreams").
 *
 * @param hashOn the {@code hashOn} template as written; non-null exactly when {@code balance} is
 *     {@code hash}
 * @param active active health checks, or null when off (the default)
 * @param passive passive health checks (outlier detection), or null when {@code passive: false}
 * @param retries how failed tries are retried, or null: nothing is retried
 * @param circuitBreaker the upstream's breaker, or null when it has none (the default)
 * @param trustStore PEM certificates added to the JVM's trust store for {@code https} targets, or null
 */
public record UpstreamDefinition(
    String name,
    List<Target> targets,
    Balance balance,
    String hashOn,
    int maxConnectionsPerTarget,
    ActiveChecks active,
    PassiveChecks passive,
    Retries retries,
    Breaker circuitBreaker,
    Path trustStore) {

  public static final int DEFAULT_WEIGHT = 100;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_TARGET = 256;

  public UpstreamDefinition {
    targets = List.copyOf(targets);
  }

  public enum Balance {
    ROUND_ROBIN("round-robin"),
    LEAST_REQUESTS("least-requests"),
    RANDOM("random"),
    HASH("hash");

    private final String written;

    Balance(String written) {
      this.written = written;
    }

    /** As the configuration writes it. */
    public String written() {
      return written;
    }
  }

  /**
   * One backend of the fleet.
   *
   * @param url as written, without a trailing '/': the target's identity, kept across reloads
   * @param weight its share of the requests; 0 = drained (gets none)
   */
  public record Target(String url, String scheme, String host, int port, int weight) {}

  /** Probes sent to every target on a timer; a target is down after {@code unhealthyAfter} bad ones, up after {@code healthyAfter} good ones. */
  public record ActiveChecks(String path, Duration interval, Duration timeout, int healthyAfter, int unhealthyAfter,
      List<StatusRange> statuses) {

    public ActiveChecks {
      statuses = List.copyOf(statuses);
    }

    public boolean healthy(int status) {
      for (StatusRange range : statuses) {
        if (status >= range.from() && status <= range.to()) {
          return true;
        }
      }
      return false;
    }
  }

  /** Inclusive: {@code 200-399}, or one status as {@code 204-204}. */
  public record StatusRange(int from, int to) {}

  /** Envoy-style outlier detection: {@code unhealthyAfter} consecutive failures eject a target for {@code ejectFor}, doubling per new ejection. */
  public record PassiveChecks(int unhealthyAfter, Duration ejectFor, int maxEjectedPercent) {

    public static final PassiveChecks DEFAULTS = new PassiveChecks(5, Duration.ofSeconds(30), 50);
  }

  /**
   * @param count tries after the first
   * @param on what makes a try worth repeating: {@code connect-failure}, {@code reset}, or a
   *     status (as text, e.g. {@code 503}; an expired {@code perTryTimeout} counts as {@code 504})
   * @param perTryTimeout how long one try has for its response head, or null: only the
   *     integration's {@code timeout}, which bounds all tries together, applies
   * @param maxBodySize a request body larger than this is streamed, and never retried
   */
  public record Retries(int count, Set<String> on, Duration perTryTimeout, Duration backoff, long maxBodySize) {

    public static final Set<String> DEFAULT_ON = Set.of("connect-failure", "reset", "502", "503", "504");

    public Retries {
      on = Set.copyOf(on);
    }
  }

  /** Opens when, over {@code window}, at least {@code minRequests} finished and {@code failureRate} (0..1) of them failed. */
  public record Breaker(double failureRate, int minRequests, Duration window, Duration openFor, int halfOpenRequests) {}
}
