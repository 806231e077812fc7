package dev.portico.gateway.pipeline;

import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the {@code portico.access} logger: when, which request, which route
 * (and which deployment served it), what status, how long in total and at the backend, and who called. The path is logged without its
 * query string, which may carry credentials.
 */
public final class AccessLog {

  private static final Logger log = LoggerFactory.getLogger("portico.access");

  public boolean enabled() {
    return log.isInfoEnabled();
  }

  void log(Exchange ex, int status, boolean completed) {
    long end = System.nanoTime();
    StringBuilder sb = start(ex.requestId, ex.request, ex.path);
    field(sb, "api", ex.route.api);
    field(sb, "stage", ex.route.stage);
    field(sb, "deployment", ex.route.deployment);
    field(sb, "route", ex.route.routePath);
    sb.append(",\"status\":").append(status);
    millis(sb, "latencyMs", end - ex.startNanos);
    if (ex.upstreamStartNanos > 0 && ex.upstreamHeadNanos > 0) {
      millis(sb, "upstreamMs", ex.upstreamHeadNanos - ex.upstreamStartNanos);
    }
    if (!ex.principal().isAnonymous()) {
      field(sb, "principal", ex.principal().id());
    }
    if (!completed) {
      sb.append(",\"aborted\":true");
    }
    log.info(sb.append('}').toString());
  }

  void logUnrouted(HttpServerRequest req, String requestId, long startNanos, int status) {
    long end = System.nanoTime();
    StringBuilder sb = start(requestId, req, req.path());
    sb.append(",\"status\":").append(status);
    millis(sb, "latencyMs", end - startNanos);
    log.info(sb.append('}').toString());
  }

  private static StringBuilder start(String requestId, HttpServerRequest req, String path) {
    StringBuilder sb = new StringBuilder(256).append('{');
    sb.append("\"time\":\"").append(Instant.now()).append('"');
    field(sb, "requestId", requestId);
    field(sb, "method", req.method().name());
    field(sb, "path", path);
    field(sb, "client", req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress());
    return sb;
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":");
    GatewayError.quote(sb, value == null ? "" : value);
  }

  private static void millis(StringBuilder sb, String name, long nanos) {
    sb.append(",\"").append(name).append("\":").append(nanos / 1000 / 1000.0);
  }
}
