package dev.portico.plugins.jwt;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of {@code jwksUri}: fetched without blocking, kept, refreshed in the background
 * before they go stale, and fetched again at once when a token names a {@code kid} they lack, so a
 * key rotation at the issuer needs no restart.
 *
 * <ul>
 *   <li><b>Refresh</b>: after each successful fetch, at 90% of the response's {@code Cache-Control:
 *       max-age} (but not sooner than {@code jwksMinRefetch}), or every {@code jwksRefresh} without one. A failed fetch is retried with a
 *       doubling delay from {@code jwksMinRefetch} up to {@code jwksRefresh}.</li>
 *   <li><b>Unknown kid</b>: a token whose {@code kid} is not among the keys triggers a fetch,
 *       single-flight (a burst of such tokens waits on one fetch) and rate-limited (at most one per
 *       {@code jwksMinRefetch}, so tokens with made-up kids cannot hammer the issuer).</li>
 *   <li><b>Issuer down</b>: the keys of the last successful fetch stay in use, however old.</li>
 * </ul>
 *
 * <p>Each fetch builds a new, immutable {@link Keys} snapshot, published through a volatile field:
 * verification reads it without locking.
 */
final class JwksCache {

  private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*(\\d+)");
  private static final long MAX_JWKS_BYTES = 1024 * 1024;
  private static final long MIN_REFRESH_MILLIS = 1000;

  /** The keys of one fetch, and the {@code kid}s among them; immutable. */
  static final class Keys {
    static final Keys NONE = new Keys(null, Set.of(), false);

    private final PerThread verifiers;
    private final Set<String> kids;
    private final boolean loaded;

    Keys(PerThread verifiers, Set<String> kids, boolean loaded) {
      this.verifiers = verifiers;
      this.kids = kids;
      this.loaded = loaded;
    }

    /** The calling thread's verifier for these keys, or null when there are no usable keys. */
    JWTAuth verifier() {
      return verifiers == null ? null : verifiers.get();
    }

    /** Whether a fetch ever succeeded (these keys may still be none). */
    boolean loaded() {
      return loaded;
    }

    boolean knows(String kid) {
      return verifiers != null && (kid == null || kids.contains(kid));
    }
  }

  private final Vertx vertx;
  private final JwtConfig config;
  private final HttpClientAgent client;
  private final RequestOptions request;

  private volatile Keys keys = Keys.NONE;

  // Guarded by this: the fetch under way, the pacing of unknown-kid fetches, the refresh timer.
  private Future<Keys> inFlight;
  private long lastKidFetchNanos;
  private boolean kidFetchedOnce;
  private long timerId = -1;
  private int failures;
  private boolean closed;

  JwksCache(Vertx vertx, JwtConfig config, TrustOptions trust) {
    this.vertx = vertx;
    this.config = config;
    boolean https = config.jwksUri().regionMatches(true, 0, "https:", 0, 6);
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.jwksTimeout().toMillis()))
        .setSsl(https)
        .setVerifyHost(true)
        .setKeepAlive(false);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    this.client = vertx.createHttpClient(options);
    this.request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(config.jwksUri())
        .putHeader("Accept", "application/json");
  }

  /** Starts the first fetch; requests that arrive before it completes wait for it. */
  void start() {
    fetch();
  }

  /**
   * Keys that know {@code kid} if they can be had: the current ones if they do, else the result of
   * a fetch (joining the one under way, or starting one unless one started less than
   * {@code jwksMinRefetch} ago). Never fails: when no fetch is possible or it fails, the current
   * keys, which the caller then finds lacking.
   */
  Future<Keys> keysFor(String kid) {
    Keys k = keys;
    if (k.knows(kid)) {
      return Future.succeededFuture(k);
    }
    synchronized (this) {
      if (inFlight != null) {
        return inFlight.recover(e -> Future.succeededFuture(keys));
      }
      long now = System.nanoTime();
      if (closed || kidFetchedOnce && now - lastKidFetchNanos < config.jwksMinRefetch().toNanos()) {
        return Future.succeededFuture(k);
      }
      kidFetchedOnce = true;
      lastKidFetchNanos = now;
      return fetch().recover(e -> Future.succeededFuture(keys));
    }
  }

  void close() {
    synchronized (this) {
      closed = true;
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
    client.close();
  }

  /** Fetches the keys, or joins the fetch under way; schedules the next refresh once done. */
  private synchronized Future<Keys> fetch() {
    if (inFlight != null) {
      return inFlight;
    }
    if (closed) {
      return Future.failedFuture("the policy is closed");
    }
    Promise<Keys> done = Promise.promise();
    inFlight = done.future();
    download().onComplete(ar -> {
      long delay;
      synchronized (this) {
        inFlight = null;
        if (ar.succeeded()) {
          keys = ar.result().keys();
          failures = 0;
          delay = ar.result().maxAgeMillis() >= 0
              ? Math.max(Math.max(MIN_REFRESH_MILLIS, config.jwksMinRefetch().toMillis()), ar.result().maxAgeMillis() * 9 / 10)
              : config.jwksRefresh().toMillis();
        } else {
          failures++;
          long base = Math.max(MIN_REFRESH_MILLIS, config.jwksMinRefetch().toMillis());
          delay = Math.min(config.jwksRefresh().toMillis(), base << Math.min(failures - 1, 20));
          LOG.warn("jwt: cannot fetch keys from {} ({}); {}; retrying in {} ms", withoutQuery(config.jwksUri()),
              ar.cause().getMessage(), keys.loaded() ? "the keys fetched before stay in use" : "no keys yet", delay);
        }
        scheduleRefresh(delay);
      }
      if (ar.succeeded()) {
        done.complete(keys);
      } else {
        done.fail(ar.cause());
      }
    });
    return done.future();   // not inFlight: a fetch that fails at once has already cleared it
  }

  private void scheduleRefresh(long delayMillis) {
    if (closed) {
      return;
    }
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    timerId = vertx.setTimer(delayMillis, id -> {
      synchronized (this) {
        if (timerId == id) {
          timerId = -1;
        }
      }
      fetch();
    });
  }

  private record Fetched(Keys keys, long maxAgeMillis) {}

  private Future<Fetched> download() {
    long timeout = config.jwksTimeout().toMillis();
    return client.request(request)
        .compose(req -> req.send())
        .compose(this::read)
        .timeout(timeout, TimeUnit.MILLISECONDS);
  }

  private Future<Fetched> read(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      response.end();
      return Future.failedFuture("it answered " + response.statusCode());
    }
    String length = response.getHeader("Content-Length");
    if (length != null && length.length() > 7) {
      response.request().reset();
      return Future.failedFuture("its answer is larger than " + MAX_JWKS_BYTES + " bytes");
    }
    long maxAge = maxAgeMillis(response.getHeader("Cache-Control"));
    return response.body().compose(body -> {
      if (body.length() > MAX_JWKS_BYTES) {
        return Future.failedFuture("its answer is larger than " + MAX_JWKS_BYTES + " bytes");
      }
      return Future.succeededFuture(new Fetched(keysOf(body), maxAge));
    });
  }

  /** {@code max-age} in milliseconds (at most a year), or -1 when absent. */
  static long maxAgeMillis(String cacheControl) {
    if (cacheControl == null) {
      return -1;
    }
    String lower = cacheControl.toLowerCase(Locale.ROOT);
    Matcher m = MAX_AGE.matcher(lower);
    if (!m.find()) {
      return -1;
    }
    try {
      return Math.min(Long.parseLong(m.group(1)), 365L * 24 * 3600) * 1000;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The verifier for a JWKS document. Only signature keys for an accepted public-key algorithm are
   * kept: symmetric ({@code oct}) keys never, so a key published by the issuer can never become an
   * HMAC secret. A key without {@code alg} is registered once per accepted algorithm its type
   * allows (an RSA key for RS256 and PS256, an EC key for the ES algorithm of its curve).
   */
  private Keys keysOf(Buffer body) {
    JsonArray array;
    try {
      array = new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("its answer is not a JWKS document: " + e.getMessage());
    }
    if (array == null) {
      throw new IllegalArgumentException("its answer has no \"keys\" array");
    }
    List<JsonObject> jwks = new ArrayList<>();
    Set<String> kids = new HashSet<>();
    for (Object item : array) {
      if (!(item instanceof JsonObject jwk)) {
        continue;
      }
      if (jwk.containsKey("use") && !"sig".equals(jwk.getValue("use"))) {
        continue;
      }
      for (String alg : algorithmsFor(jwk)) {
        jwks.add(jwk.copy().put("alg", alg));
        if (jwk.getValue("kid") instanceof String kid) {
          kids.add(kid);
        }
      }
    }
    if (jwks.isEmpty()) {
      return new Keys(null, Set.of(), true);
    }
    JWTAuthOptions options = new JWTAuthOptions().setJwks(jwks).setJWTOptions(JwtAuthorizer.jwtOptions(config));
    return new Keys(new PerThread(vertx, options), Set.copyOf(kids), true);
  }

  private List<String> algorithmsFor(JsonObject jwk) {
    String kty = jwk.getValue("kty") instanceof String s ? s : "";
    Object alg = jwk.getValue("alg");
    List<String> candidates = new ArrayList<>();
    if (alg instanceof String a) {
      candidates.add(a);
    } else if ("RSA".equals(kty)) {
      candidates.addAll(List.of("RS256", "RS384", "RS512", "PS256"));
    } else if ("EC".equals(kty)) {
      String crv = jwk.getValue("crv") instanceof String c ? c : "";
      if ("P-256".equals(crv)) {
        candidates.add("ES256");
      } else if ("P-384".equals(crv)) {
        candidates.add("ES384");
      }
    }
    List<String> out = new ArrayList<>();
    for (String a : candidates) {
      boolean typeMatches = a.startsWith("ES") ? "EC".equals(kty) : "RSA".equals(kty);
      if (typeMatches && JwtConfig.PUBLIC_KEY.contains(a) && config.algorithms().contains(a)) {
        out.add(a);
      }
    }
    return out;
  }

  /** The URI for a log line: an operator may have put a credential in its query. */
  private static String withoutQuery(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query) + "?...";
  }
}
