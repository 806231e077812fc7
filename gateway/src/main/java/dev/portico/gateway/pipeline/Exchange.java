package dev.portico.gateway.pipeline;

import dev.portico.gateway.proxy.Deadlines;
import dev.portico.gateway.proxy.ForwardedRequest;
import dev.portico.gateway.proxy.HopByHop;
import dev.portico.gateway.serving.ActiveConfig;
import dev.portico.gateway.serving.CompiledRoute;
import dev.portico.spi.GatewayRequest;
import dev.portico.spi.GatewayResponse;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Map;

/**
 * One request on its way through a route: the {@link RequestContext} policies see, plus what the
 * pipeline and the integration need. Touched only from the request's event loop.
 */
public final class Exchange implements RequestContext, ForwardedRequest {

  final HttpServerRequest request;
  final CompiledRoute route;
  final Map<String, String> params;
  final String requestId;
  final String path;
  /** The client's query string as forwarded (validated, raw non-ASCII bytes encoded); null when none. */
  private final String query;
  final long startNanos;
  private String peer;
  private final ServingContext serving;
  final ActiveConfig active;

  private String sourceIp;
  private String forwardedFor;
  private Principal principal = Principal.ANONYMOUS;
  private OutboundRequest outbound;
  OutboundResponse response;
  private boolean answered;
  /** Set when the request's method has no route but a preflight matched one: 405 after onMatch. */
  java.util.Set<String> methodNotAllowed;
  /** Whether something took over the request body (a transformer buffered it, or the integration forwards it). */
  boolean bodyConsumed;
  /**
   * Abandons the backend exchange: the request being sent to it, or the response being relayed from
   * it; null until there is one (and for a mock or the gateway's own answer).
   */
  Runnable cancelUpstream;
  private Map<String, Object> attributes;

  /** The decision whose numbers go on the response's RateLimit headers (the most restrictive one). */
  ThrottleDecision rateLimitHeaders;
  long upstreamStartNanos = -1;
  long upstreamHeadNanos = -1;
  /** Set once the request was counted in the metrics and the access log: it never is twice. */
  boolean counted;
  /** The clock of {@code server.bodyTimeout}, while a request body is expected; null without a body. */
  Deadlines.Entry bodyDeadline;

  Exchange(HttpServerRequest request, CompiledRoute route, Map<String, String> params,
      String requestId, String path, String query, long startNanos, ActiveConfig active, ServingContext serving) {
    this.active = active;
    this.request = request;
    this.route = route;
    this.params = params;
    this.requestId = requestId;
    this.path = path;
    this.query = query;
    this.startNanos = startNanos;
    this.serving = serving;
  }

  private String peer() {
    if (peer == null) {
      peer = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    }
    return peer;
  }

  // ---- what the integration reads --------------------------------------------------------

  /** The client's request, paused until the integration sends its body on. */
  public HttpServerRequest serverRequest() {
    return request;
  }

  /** The request as transformers left it, or null when no transformer touched it. */
  public GatewayRequest outboundOrNull() {
    return outbound;
  }

  /** The client's query string to forward, without {@code ?}; null when there is none. */
  public String query() {
    return query;
  }

  /** The value of {@code X-Forwarded-For} for the backend. */
  public String forwardedFor() {
    if (forwardedFor == null) {
      forwardedFor = active.clientAddress().forwardedFor(peer(), incomingForwardedFor());
    }
    return forwardedFor;
  }

  /**
   * Every {@code X-Forwarded-For} line that came in, as one list: several lines mean the same as
   * one comma-joined (RFC 9110 section 5.3), and taking only the first would drop hops.
   */
  private String incomingForwardedFor() {
    java.util.List<String> lines = request.headers().getAll("X-Forwarded-For");
    return lines.isEmpty() ? null : lines.size() == 1 ? lines.get(0) : String.join(", ", lines);
  }

  /**
   * Where the integration reports a backend exchange under way, and how to abandon it: when the
   * gateway answers the client itself before the request body is through (a 408), nothing else
   * would tell the backend request to stop.
   */
  public void backendExchange(Runnable abandon) {
    this.cancelUpstream = abandon;
  }

  /**
   * Puts the client's request headers into {@code to} as a backend may see them: without hop-by-hop
   * headers, {@code Expect}, or client-address headers from an untrusted peer.
   */
  public void copyClientHeaders(MultiMap to) {
    HopByHop.copyFromClient(request, to, active.clientAddress());
  }

  /** Where the integration reports that it took over the request body, to forward it. */
  public void bodyTaken() {
    this.bodyConsumed = true;
  }

  /** Where the integration reports when it dispatched the request to the backend. */
  public void upstreamStarted(long nanos) {
    this.upstreamStartNanos = nanos;
  }

  /** Where the integration reports when the backend's response head arrived. */
  public void upstreamAnswered(long nanos) {
    this.upstreamHeadNanos = nanos;
  }

  // ---- RequestContext ----------------------------------------------------------------------

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String apiName() {
    return route.api;
  }

  @Override
  public String stage() {
    return route.stage;
  }

  @Override
  public String routePath() {
    return route.routePath;
  }

  @Override
  public String routeId() {
    return route.id;
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String pathParam(String name) {
    return params.get(name);
  }

  @Override
  public Map<String, String> pathParams() {
    return params;
  }

  @Override
  public String stageVariable(String name) {
    return route.stageVariables.get(name);
  }

  @Override
  public String sourceIp() {
    if (sourceIp == null) {
      sourceIp = active.clientAddress().sourceIp(peer(), incomingForwardedFor());
    }
    return sourceIp;
  }

  @Override
  public Principal principal() {
    return principal;
  }

  void principal(Principal principal) {
    this.principal = principal == null ? Principal.ANONYMOUS : principal;
  }

  @Override
  public RequestContext context() {
    return this;
  }

  @Override
  public GatewayRequest request() {
    if (outbound == null) {
      MultiMap headers = HttpHeaders.headers();
      copyClientHeaders(headers); // filtered here, once: what transformers set afterwards goes on as set
      MultiMap query = MultiMap.caseInsensitiveMultiMap();
      query.addAll(clientQuery());
      outbound = new OutboundRequest(request.method().name(), query, headers);
    }
    return outbound;
  }

  /**
   * The client's query parameters, decoded from the query as forwarded (raw non-ASCII bytes
   * encoded once). The pipeline refused an undecodable query at the door; should the decoder still
   * fail, that is the client's error, 400, and its own exception is not let through, since its
   * message quotes the query, credentials and all, into whatever logs it.
   */
  private MultiMap clientQuery() {
    try {
      if (query == request.query()) {
        return request.params();
      }
      MultiMap params = MultiMap.caseInsensitiveMultiMap();
      if (query != null) {
        new io.netty.handler.codec.http.QueryStringDecoder(query, false).parameters().forEach(params::add);
      }
      return params;
    } catch (IllegalArgumentException undecodable) {
      throw Rejection.badRequest("Bad Request: the query string cannot be decoded");
    }
  }

  OutboundRequest outbound() {
    return (OutboundRequest) request();
  }

  @Override
  public GatewayResponse response() {
    return response;
  }

  @Override
  public GatewayResponse respond(int status) {
    OutboundResponse r = new OutboundResponse(status, HttpHeaders.headers(), null, null, true);
    r.status(status);
    this.response = r;
    this.answered = true;
    return r;
  }

  boolean answered() {
    return answered;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    return attributes == null ? null : (T) attributes.get(key);
  }

  @Override
  public void put(String key, Object value) {
    if (attributes == null) {
      attributes = new HashMap<>(4);
    }
    attributes.put(key, value);
  }

  @Override
  public Vertx vertx() {
    return serving.vertx();
  }
}
