package dev.portico.plugins.httpauthorizer;

import dev.portico.plugins.httpauthorizer.DecisionCache.Decision;
import dev.portico.spi.Authorizer;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.TrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the configured service about each request, through a {@link DecisionCache}: one call per
 * identity, method and route per {@code cacheTtl}, however many requests arrive meanwhile.
 *
 * <p>Identity values (tokens, cookies) are secrets: they key the cache only as a SHA-256 digest and
 * are never logged.
 */
final class HttpAuthorizer implements Authorizer {

  private static final Logger log = LoggerFactory.getLogger(HttpAuthorizer.class);
  /** An authorizer's answer is a small JSON object; a larger one is refused (503) rather than buffered. */
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  /** Distinct identities remembered at once; beyond it, expired then arbitrary decisions are dropped. */
  static final int MAX_CACHED_DECISIONS = 10_000;
  private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

  private final HttpAuthorizerFactory.Config config;
  private final Vertx vertx;
  /** Trust for https besides the JVM's, or null. */
  private final TrustOptions trust;
  private final DecisionCache cache;
  private final String logTarget;
  private final Rejection missingIdentity;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
  private final Object clientLock = new Object();
  private volatile HttpClient client;
  private volatile boolean closed;

  HttpAuthorizer(HttpAuthorizerFactory.Config config, Vertx vertx, TrustOptions trust) {
    this.config = config;
    this.vertx = vertx;
    this.trust = trust;
    this.cache = new DecisionCache(config.cacheTtl().toNanos(), MAX_CACHED_DECISIONS, System::nanoTime);
    URI uri = URI.create(config.uri());
    this.logTarget = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
    this.missingIdentity = Rejection.unauthorized("Unauthorized: missing " + String.join(", ", config.identitySource()));
  }

  @Override
  public Future<Principal> authorize(RequestContext ctx) {
    List<String> identity = new ArrayList<>(config.identitySource().size());
    boolean missing = false;
    try {
      for (String header : config.identitySource()) {
        // Sent twice, the authorizer would judge one value while the backend may read the other.
        String value = ctx.request().singleHeader(header);
        missing |= value == null || value.isBlank();
        identity.add(value);
      }
    } catch (Rejection repeated) {
      return Future.failedFuture(repeated); // 400, even when another identity header is missing
    }
    if (missing) {
      return Future.failedFuture(missingIdentity); // as Amazon API Gateway does: no call without an identity
    }
    String key = cacheKey(ctx, identity);
    Future<Decision> decision = cache.get(key, () -> call(ctx));
    return onCallersThread(decision).compose(d -> d.principal() != null
        ? Future.<Principal>succeededFuture(d.principal())
        : Future.<Principal>failedFuture(d.rejection()));
  }

  /** A digest of the method, the route and the identity: what a decision is cached under. */
  private static String cacheKey(RequestContext ctx, List<String> identity) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    // NUL cannot occur in a header value, so the parts cannot run into each other
    update(sha, ctx.method());
    update(sha, ctx.apiName());
    update(sha, ctx.stage());
    update(sha, ctx.routePath());
    for (String value : identity) {
      update(sha, value);
    }
    return Base64.getEncoder().encodeToString(sha.digest());
  }

  private static void update(MessageDigest sha, String part) {
    sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }

  /**
   * Completes on the calling request's event loop: a shared decision completes on the loop of the
   * request that made the call, and a request's context must only be touched from its own loop.
   */
  private static <T> Future<T> onCallersThread(Future<T> shared) {
    if (shared.isComplete()) {
      return shared;
    }
    Context caller = Vertx.currentContext();
    Thread callerThread = Thread.currentThread();
    Promise<T> mine = Promise.promise();
    shared.onComplete(ar -> {
      if (caller == null || Thread.currentThread() == callerThread) {
        mine.handle(ar);
      } else {
        caller.runOnContext(v -> mine.handle(ar));
      }
    });
    return mine.future();
  }

  // ---- the call ------------------------------------------------------------------------------

  /** Calls the authorizer; always succeeds, with a decision (503 when the authorizer could not be asked). */
  private Future<Decision> call(RequestContext ctx) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(config.uri())
        .setConnectTimeout(config.timeout().toMillis())
        .putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/json")
        .putHeader("X-Request-Id", ctx.requestId());
    for (String header : config.identitySource()) {
      for (String value : ctx.request().headers().getAll(header)) {
        options.addHeader(header, value);
      }
    }
    Buffer body = requestBody(ctx).toBuffer(); // built now: the context is not to be kept

    Promise<Decision> result = Promise.promise();
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer = vertx.setTimer(config.timeout().toMillis(), t -> {
      if (result.tryComplete(unavailable("no answer within " + config.timeout().toMillis() + " ms", null))) {
        HttpClientRequest req = sent.get();
        if (req != null) {
          req.reset(0, new TimeoutException("authorizer timeout"));
        }
      }
    });
    client().request(options)
        .compose(req -> {
          sent.set(req);
          return req.send(body);
        })
        .compose(resp -> readAnswer(resp).map(answer -> decide(resp, answer)))
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (!result.future().isComplete()) { // else the timeout answered already
            result.complete(ar.succeeded() ? ar.result() : unavailable("call failed", ar.cause()));
          }
        });
    return result.future();
  }

  /** {@code {"method", "path", "query", "headers", "sourceIp", "api", "stage", "route"}}. */
  private static JsonObject requestBody(RequestContext ctx) {
    return new JsonObject()
        .put("method", ctx.method())
        .put("path", ctx.path())
        .put("query", joined(ctx.request().query(), false))
        .put("headers", joined(ctx.request().headers(), true))
        .put("sourceIp", ctx.sourceIp())
        .put("api", ctx.apiName())
        .put("stage", ctx.stage())
        .put("route", ctx.routePath());
  }

  /** A multimap as a JSON object of strings; repeated names have their values joined with a comma. */
  private static JsonObject joined(MultiMap map, boolean lowerCaseNames) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : map) {
      String name = lowerCaseNames ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey();
      out.merge(name, e.getValue(), (a, b) -> a + "," + b);
    }
    return new JsonObject(new LinkedHashMap<>(out));
  }

  /** The answer's body, refused when it is larger than {@link #MAX_ANSWER_BYTES}. */
  private static Future<Buffer> readAnswer(HttpClientResponse resp) {
    String length = resp.getHeader("Content-Length");
    if (length != null && parseLong(length) > MAX_ANSWER_BYTES) {
      resp.request().reset();
      return Future.failedFuture(new IllegalStateException("answer of " + length + " bytes is over " + MAX_ANSWER_BYTES));
    }
    Promise<Buffer> body = Promise.promise();
    Buffer buffer = Buffer.buffer();
    resp.handler(chunk -> {
      if (buffer.length() + chunk.length() > MAX_ANSWER_BYTES) {
        if (body.tryFail(new IllegalStateException("answer over " + MAX_ANSWER_BYTES + " bytes"))) {
          resp.request().reset();
        }
      } else {
        buffer.appendBuffer(chunk);
      }
    });
    resp.exceptionHandler(body::tryFail);
    resp.endHandler(v -> body.tryComplete(buffer));
    return body.future();
  }

  private Decision decide(HttpClientResponse resp, Buffer answer) {
    int status = resp.statusCode();
    JsonObject json = parseObject(answer);
    if (status >= 200 && status < 300) {
      Principal principal = json == null ? null : principal(json);
      return principal != null ? Decision.allow(principal)
          : unavailable("answered " + status + " without a JSON object carrying principalId or sub", null);
    }
    if (status == 401 || status == 403) {
      Object message = json == null ? null : json.getValue("message");
      String text = message instanceof String s && !s.isBlank() && s.length() <= 200 ? s
          : status == 401 ? "Unauthorized" : "Forbidden";
      Rejection rejection = Rejection.of(status, text);
      String challenge = resp.getHeader("WWW-Authenticate");
      if (status == 401 && challenge != null) {
        rejection = rejection.header("WWW-Authenticate", challenge);
      }
      return Decision.deny(rejection);
    }
    return unavailable("answered " + status, null);
  }

  /** The principal an allowing answer describes: {@code principalId} or {@code sub}, the rest as claims. */
  private static Principal principal(JsonObject json) {
    Object id = json.getValue("principalId");
    if (id == null) {
      id = json.getValue("sub");
    }
    if (!(id instanceof String || id instanceof Number) || String.valueOf(id).isEmpty()) {
      return null;
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : json.getMap().entrySet()) {
      if (e.getValue() != null) {
        claims.put(e.getKey(), e.getValue());
      }
    }
    return Principal.of(String.valueOf(id), claims);
  }

  private static JsonObject parseObject(Buffer answer) {
    if (answer == null || answer.length() == 0) {
      return null;
    }
    try {
      Object value = Json.decodeValue(answer);
      return value instanceof JsonObject o ? o : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  private Decision unavailable(String why, Throwable cause) {
    warn(why, cause);
    return Decision.unavailable(Rejection.of(503, "Service Unavailable"));
  }

  /** At most one line per {@link #WARN_INTERVAL_NANOS}: an authorizer that is down must not flood the log. */
  private void warn(String why, Throwable cause) {
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
      log.warn("http-authorizer {}: {}{}; answering 503 (further failures within 10 s are not logged)",
          logTarget, why, cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")");
    }
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (clientLock) {
        c = client;
        if (c == null) {
          if (closed) {
            throw new IllegalStateException("http-authorizer is closed");
          }
          HttpClientOptions options = new HttpClientOptions()
              .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis()))
              .setKeepAlive(true);
          if (trust != null) {
            options.setTrustOptions(trust);
          }
          c = vertx.createHttpClient(options);
          client = c;
        }
      }
    }
    return c;
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public void close() {
    synchronized (clientLock) {
      closed = true;
      if (client != null) {
        client.close();
        client = null;
      }
    }
    cache.clear();
  }
}
