package dev.portico.gateway.counters;

import dev.portico.spi.CounterStore;
import dev.portico.spi.QuotaPeriod;
import dev.portico.spi.ThrottleDecision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Counters in Redis ({@code counters.store: redis}), shared by every gateway that points at the same
 * server: exact across nodes.
 *
 * @implNote Each decision is one Lua script run atomically by Redis (EVALSHA, falling back to EVAL
 *     when the server does not know the script yet, e.g. after a restart), so no node ever reads a
 *     counter and writes it back. The scripts take the time from Redis ({@code TIME}), not from the
 *     gateway's clock, and set each key's expiry themselves: a bucket lives until it would be full
 *     again, a window until it ends. Every call is bounded by a timeout measured from dispatch; a
 *     call that times out or fails fails the decision, and the gateway applies
 *     {@code counters.onStoreFailure}. The client reconnects by itself once Redis is back.
 */
public final class RedisCounterStore implements CounterStore, TokenBatches, AutoCloseable {

  /**
   * Takes up to ARGV[3] tokens (as many whole ones as there are, none if less than one), or gives
   * back -ARGV[3]; returns {tokens taken (given back: 1), remaining, millis to full, or to the next
   * token when none was taken}.
   */
  static final String TOKEN_BUCKET = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local rate = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local cost = tonumber(ARGV[3])
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(state[1])
      local ts = tonumber(state[2])
      if tokens == nil or ts == nil then tokens = burst; ts = now end
      local elapsed = now - ts
      if elapsed < 0 then elapsed = 0 end
      tokens = math.min(burst, tokens + elapsed / 1000000 * rate)
      local taken = 0
      if cost < 0 then
        tokens = math.min(burst, tokens - cost)
        taken = 1
      else
        taken = math.min(cost, math.floor(tokens))
        tokens = tokens - taken
      end
      local toFull = math.ceil((burst - tokens) / rate * 1000)
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
      redis.call('PEXPIRE', KEYS[1], toFull + 1000)
      if taken > 0 then
        return {taken, math.floor(tokens), toFull}
      end
      return {0, 0, math.ceil((1 - tokens) / rate * 1000)}
      """;

  /**
   * Adds one (ARGV[3] = 1) to the current UTC calendar window of KEYS[1] unless at the limit;
   * returns {allowed, count, millis to the window's end, window start in seconds}. With ARGV[3] = -1
   * and ARGV[4] a window start, takes one back from that window.
   */
  static final String CALENDAR_WINDOW = """
      local limit = tonumber(ARGV[1])
      local period = ARGV[2]
      local cost = tonumber(ARGV[3])
      if cost < 0 then
        local k = KEYS[1] .. '@' .. ARGV[4]
        local n = tonumber(redis.call('GET', k))
        if n ~= nil and n > 0 then redis.call('DECR', k) end
        return {1, 0, 0, tonumber(ARGV[4])}
      end
      local t = redis.call('TIME')
      local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local secs = tonumber(t[1])
      local startS, endS
      if period == 'MINUTE' then startS = secs - secs % 60; endS = startS + 60
      elseif period == 'HOUR' then startS = secs - secs % 3600; endS = startS + 3600
      elseif period == 'DAY' then startS = secs - secs % 86400; endS = startS + 86400
      elseif period == 'WEEK' then
        local days = math.floor(secs / 86400)
        local monday = days - ((days + 3) % 7)
        startS = monday * 86400; endS = startS + 7 * 86400
      else
        -- civil date from days since the epoch (H. Hinnant's algorithm), then the 1st of that month and the next
        local z = math.floor(secs / 86400) + 719468
        local era = math.floor(z / 146097)
        local doe = z - era * 146097
        local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
        local y = yoe + era * 400
        local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
        local mp = math.floor((5 * doy + 2) / 153)
        local m = mp + 3
        if mp >= 10 then m = mp - 9 end
        if m <= 2 then y = y + 1 end
        local function daysFromCivil(yy, mm)
          if mm <= 2 then yy = yy - 1 end
          local e = math.floor(yy / 400)
          local ye = yy - e * 400
          local mmp = mm + 9
          if mm > 2 then mmp = mm - 3 end
          local dy = math.floor((153 * mmp + 2) / 5)
          local de = ye * 365 + math.floor(ye / 4) - math.floor(ye / 100) + dy
          return e * 146097 + de - 719468
        end
        startS = daysFromCivil(y, m) * 86400
        local ny, nm = y, m + 1
        if nm == 13 then ny = y + 1; nm = 1 end
        endS = daysFromCivil(ny, nm) * 86400
      end
      local key = KEYS[1] .. '@' .. startS
      local count = tonumber(redis.call('GET', key)) or 0
      local left = endS * 1000 - nowMs
      if count >= limit then
        return {0, count, left, startS}
      end
      count = redis.call('INCR', key)
      if count == 1 then redis.call('PEXPIREAT', key, endS * 1000 + 1000) end
      return {1, count, left, startS}
      """;

  private static final String BUCKET_SHA = sha1(TOKEN_BUCKET);
  private static final String WINDOW_SHA = sha1(CALENDAR_WINDOW);

  private final Vertx vertx;
  private final Redis redis;
  private final long timeoutMillis;
  private final String prefix;
  private BatchedCounterStore batched;

  /**
   * @param endpoint e.g. {@code redis://127.0.0.1:6379}
   * @param timeout bound on each decision, from dispatch to answer
   */
  public RedisCounterStore(Vertx vertx, String endpoint, Duration timeout) {
    this.vertx = vertx;
    this.redis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(endpoint)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(4096));
    this.timeoutMillis = timeout.toMillis();
    this.prefix = "portico:";
  }

  @Override
  public Future<ThrottleDecision> takeToken(String key, double ratePerSecond, long burst) {
    String k = prefix + "tb:" + key;
    String rate = Double.toString(ratePerSecond);
    String size = Long.toString(burst);
    return run(BUCKET_SHA, TOKEN_BUCKET, k, rate, size, "1").map(r -> {
      if (r.get(0).toLong() > 0) {
        return ThrottleDecision.admit(burst, r.get(1).toLong(), Duration.ofMillis(r.get(2).toLong()),
            () -> run(BUCKET_SHA, TOKEN_BUCKET, k, rate, size, "-1").mapEmpty());
      }
      return ThrottleDecision.reject(burst, Duration.ofMillis(r.get(2).toLong()));
    });
  }

  @Override
  public Future<ThrottleDecision> addToWindow(String key, long limit, QuotaPeriod period) {
    String k = prefix + "w:" + key;
    String max = Long.toString(limit);
    return run(WINDOW_SHA, CALENDAR_WINDOW, k, max, period.name(), "1").map(r -> {
      Duration reset = Duration.ofMillis(Math.max(0, r.get(2).toLong()));
      if (r.get(0).toInteger() == 1) {
        String windowStart = r.get(3).toString();
        return ThrottleDecision.admit(limit, limit - r.get(1).toLong(), reset,
            () -> run(WINDOW_SHA, CALENDAR_WINDOW, k, max, period.name(), "-1", windowStart).mapEmpty());
      }
      return ThrottleDecision.reject(limit, reset);
    });
  }

  @Override
  public Future<Grant> takeTokens(String key, double ratePerSecond, long burst, long max) {
    return run(BUCKET_SHA, TOKEN_BUCKET, prefix + "tb:" + key, Double.toString(ratePerSecond), Long.toString(burst),
        Long.toString(max)).map(r -> new Grant(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong()));
  }

  @Override
  public Future<Void> giveBack(String key, double ratePerSecond, long burst, long tokens) {
    return run(BUCKET_SHA, TOKEN_BUCKET, prefix + "tb:" + key, Double.toString(ratePerSecond), Long.toString(burst),
        Long.toString(-tokens)).mapEmpty();
  }

  /** The view of {@link CounterStore#batched()}: one per store, created on first use, closed with the store. */
  @Override
  public synchronized CounterStore batched() {
    if (batched == null) {
      batched = new BatchedCounterStore(vertx, this, this, BatchedCounterStore.RETURN_EVERY);
    }
    return batched;
  }

  /** EVALSHA, or EVAL when Redis does not have the script (first use, or after a restart). */
  private Future<Response> run(String sha, String script, String key, String... args) {
    return send(Command.EVALSHA, sha, key, args)
        .recover(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
            ? send(Command.EVAL, script, key, args)
            : Future.failedFuture(e))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private Future<Response> send(Command command, String scriptOrSha, String key, String... args) {
    Request request = Request.cmd(command).arg(scriptOrSha).arg(1).arg(key);
    for (String a : args) {
      request.arg(a);
    }
    return redis.send(request);
  }

  @Override
  public synchronized void close() {
    if (batched != null) {
      batched.close();
    }
    redis.close();
  }

  private static String sha1(String script) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
