package dev.portico.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where a route's requests go.
 *
 * <p>{@code http}: {@code uri} is a template, e.g. {@code ${stage.backend}/pets/{id}}, with
 * {@code ${stage.x}} resolved per stage and {@code {param}} per request; {@code timeout} is how
 * long the backend has, from dispatch (the upload included), to send its response head (504 when
 * exceeded); {@code idleTimeout} how long the backend may then send nothing while its response
 * body streams (its connection and the client's are cut). The uri may also be {@code lb://NAME/path}
 * (directly or through a stage variable): a target of the upstream NAME is chosen per try. {@code trustStore} adds PEM certificates to the JVM's trust store for {@code https}
 * backends.
 *
 * <p>{@code mock}: answers {@code status}, {@code headers} and {@code body} (any JSON value; a
 * string is sent as text) without a backend.
 */
public record IntegrationDefinition(
    Type type,
    String uri,
    Duration timeout,
    Duration idleTimeout,
    Path trustStore,
    int status,
    Map<String, String> headers,
    Object body) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(29);
  /** How long a backend may send nothing while its response body streams before both connections are cut. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  public enum Type {
    HTTP,
    MOCK
  }

  public IntegrationDefinition {
    headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
  }
}
