package dev.portico.gateway.proxy;

import dev.portico.spi.GatewayRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;

/**
 * What an {@link Integration} needs of the request it answers: the client's request, what policies
 * made of it, and where to report what happens on the way to the backend. The pipeline's exchange
 * implements it; the proxy knows nothing else of the pipeline.
 */
public interface ForwardedRequest {

  /** The client's request, paused until the integration sends its body on. */
  HttpServerRequest serverRequest();

  /** The request as transformers left it, or null when no transformer touched it. */
  GatewayRequest outboundOrNull();

  String requestId();

  /** The request as policies and templates see it (an upstream's {@code hashOn} is rendered against it). */
  dev.portico.spi.RequestContext context();

  /** The route's path parameters, as the client sent them (still percent-encoded). */
  Map<String, String> pathParams();

  /** The client's query string to forward, without {@code ?}; null when there is none. */
  String query();

  /** The value of {@code X-Forwarded-For} for the backend. */
  String forwardedFor();

  /**
   * Puts the client's request headers into {@code to} as a backend may see them: without hop-by-hop
   * headers, {@code Expect}, or client-address headers from an untrusted peer.
   */
  void copyClientHeaders(MultiMap to);

  /**
   * Reports a backend exchange under way, and how to abandon it: when the gateway answers the
   * client itself before the request body is through (a 408), nothing else would tell the backend
   * request to stop.
   */
  void backendExchange(Runnable abandon);

  /** Reports that the integration took over the request body, to forward it. */
  void bodyTaken();

  /** Reports when the request was dispatched to the backend. */
  void upstreamStarted(long nanos);

  /** Reports when the backend's response head arrived. */
  void upstreamAnswered(long nanos);
}
