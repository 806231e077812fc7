package dev.portico.gateway.pipeline;

import dev.portico.spi.Authorizer;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import dev.portico.spi.ThrottleDecision;
import dev.portico.spi.Throttler;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test plugins for the pipeline's tests: real {@link PolicyFactory} implementations, configured in
 * YAML like any plugin, passed to {@code TestGateway.start(yaml, factories...)}. What they do to a
 * request is visible on the wire:
 *
 * <ul>
 *   <li>every hook that runs adds {@code <hook>:<tag>} to the request's {@value #TRACE} header (the
 *       backend sees the order) or, for {@code onResponse}, to the response's (the client sees it);</li>
 *   <li>a client makes a hook deny with {@value #DENY}{@code : <hook>:<status>} (a {@link Rejection}
 *       with the message {@code denied by <tag>}), or misbehave with {@value #BREAK}{@code :
 *       <hook>:<how>}, {@code how} being {@code fail} (a failed future), {@code throw} (a
 *       synchronous throw), {@code throw-quoting} (a synchronous throw whose message quotes the
 *       request's {@value #NOTE} header, as careless plugin code does) or {@code null} (a null
 *       future), so one route serves good and bad requests alike; {@code <hook>@<tag>:...} speaks
 *       to the policy tagged {@code tag} only;</li>
 *   <li>a {@link Journal} records what happened beyond the wire: calls, refunds, closes.</li>
 * </ul>
 */
final class ScriptedPolicies {

  static final String TRACE = "X-Trace";
  static final String DENY = "X-Deny";
  static final String BREAK = "X-Break";
  static final String NOTE = "X-Note";

  private ScriptedPolicies() {}

  /** What the policies did, in order, across requests: {@code authorize:a1}, {@code refund:t1}, {@code close:i1}. */
  static final class Journal {
    private final Queue<String> events = new ConcurrentLinkedQueue<>();

    void add(String event) {
      events.add(event);
    }

    List<String> events() {
      return List.copyOf(events);
    }

    long count(String event) {
      return events.stream().filter(event::equals).count();
    }

    void clear() {
      events.clear();
    }
  }

  // ---- scripting by request headers ------------------------------------------------------

  private static String header(RequestContext ctx, String name) {
    return ctx.request().headers().get(name);
  }

  /**
   * What a script header says to the hook {@code hook} of the policy tagged {@code tag}, or null:
   * {@code <hook>:<what>} speaks to every policy's hook, {@code <hook>@<tag>:<what>} to one policy's.
   */
  private static String instruction(RequestContext ctx, String header, String hook, String tag) {
    String value = header(ctx, header);
    if (value == null) {
      return null;
    }
    for (String prefix : new String[] {hook + ":", hook + "@" + tag + ":"}) {
      if (value.startsWith(prefix)) {
        return value.substring(prefix.length());
      }
    }
    return null;
  }

  /** The rejection the client asked this hook for with {@value #DENY}, or null. */
  private static Rejection denial(RequestContext ctx, String hook, String tag) {
    String status = instruction(ctx, DENY, hook, tag);
    if (status == null) {
      return null;
    }
    Rejection r = Rejection.of(Integer.parseInt(status), "denied by " + tag);
    return r.status() == 401 ? r.header("WWW-Authenticate", "Test realm=\"portico\"") : r;
  }

  /** How the client asked this hook to misbehave with {@value #BREAK}, or null. */
  private static String breakage(RequestContext ctx, String hook, String tag) {
    return instruction(ctx, BREAK, hook, tag);
  }

  /**
   * Runs a hook the way the request's script says: deny, misbehave, or {@code body}. Returning
   * null here is the "null" misbehaviour itself.
   */
  private static <T> Future<T> script(RequestContext ctx, String hook, String tag, java.util.function.Supplier<Future<T>> body) {
    Rejection denial = denial(ctx, hook, tag);
    if (denial != null) {
      return Future.failedFuture(denial);
    }
    String how = breakage(ctx, hook, tag);
    if (how != null) {
      switch (how) {
        case "throw":
          throw new IllegalStateException("scripted bug: " + hook + " of " + tag + " threw");
        case "throw-quoting":
          throw new IllegalStateException("scripted bug: " + hook + " of " + tag + " cannot handle " + header(ctx, NOTE));
        case "null":
          return null;
        default:
          return Future.failedFuture(new IllegalStateException("scripted bug: " + hook + " of " + tag + " failed"));
      }
    }
    return body.get();
  }

  private static void traceRequest(RequestContext ctx, String hook, String tag) {
    ctx.request().headers().add(TRACE, hook + ":" + tag);
  }

  // ---- authorizer --------------------------------------------------------------------------

  record AuthConfig(String tag, String principal) {}

  /** {@code test-auth: {tag: a1, principal: alice}}: allows as {@code principal} (default: the tag). */
  static final class ScriptedAuthorizer implements PolicyFactory<AuthConfig> {
    private final Journal journal;

    ScriptedAuthorizer(Journal journal) {
      this.journal = journal;
    }

    @Override
    public String name() {
      return "test-auth";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.AUTHORIZER;
    }

    @Override
    public AuthConfig parse(ConfigReader config) {
      String tag = config.requiredString("tag");
      return new AuthConfig(tag, config.string("principal", tag));
    }

    @Override
    public Policy create(AuthConfig config, PolicyEnvironment env) {
      return (Authorizer) ctx -> {
        journal.add("authorize:" + config.tag());
        return script(ctx, "authorize", config.tag(), () -> {
          traceRequest(ctx, "authorize", config.tag());
          return Future.succeededFuture(Principal.of(config.principal()));
        });
      };
    }
  }

  // ---- throttlers --------------------------------------------------------------------------

  record ThrottleConfig(String tag, long limit, long remaining, Duration reset, boolean reject) {}

  /**
   * {@code test-throttle: {tag: t1, limit: 10, remaining: 7, reset: 3s, reject: false}}: answers
   * that decision, and counts what it admitted and what was given back ({@link #taken}).
   * {@code X-Break: throttle:fail} is a counter store that cannot be reached, {@code
   * throttle:null-decision} a future that succeeds with no decision.
   */
  static final class ScriptedThrottler implements PolicyFactory<ThrottleConfig> {
    private final Journal journal;
    private final Map<String, AtomicLong> taken = new ConcurrentHashMap<>();

    ScriptedThrottler(Journal journal) {
      this.journal = journal;
    }

    /** Requests admitted by the throttler tagged {@code tag} and not given back. */
    long taken(String tag) {
      AtomicLong n = taken.get(tag);
      return n == null ? 0 : n.get();
    }

    @Override
    public String name() {
      return "test-throttle";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.THROTTLER;
    }

    @Override
    public ThrottleConfig parse(ConfigReader config) {
      long limit = config.positiveLong("limit", 10);
      return new ThrottleConfig(config.requiredString("tag"), limit, config.integer("remaining", limit - 1),
          config.duration("reset", Duration.ofSeconds(1)), config.bool("reject", false));
    }

    @Override
    public Policy create(ThrottleConfig config, PolicyEnvironment env) {
      AtomicLong count = taken.computeIfAbsent(config.tag(), t -> new AtomicLong());
      return (Throttler) ctx -> {
        journal.add("throttle:" + config.tag());
        String how = breakage(ctx, "throttle", config.tag());
        if ("fail".equals(how)) {
          return Future.failedFuture(new IOException("counter store unreachable"));
        }
        if ("null-decision".equals(how)) {
          return Future.succeededFuture(null);
        }
        return script(ctx, "throttle", config.tag(), () -> {
          traceRequest(ctx, "throttle", config.tag());
          if (config.reject()) {
            return Future.succeededFuture(ThrottleDecision.reject(config.limit(), config.reset()));
          }
          count.incrementAndGet();
          return Future.succeededFuture(ThrottleDecision.admit(config.limit(), config.remaining(), config.reset(), () -> {
            count.decrementAndGet();
            journal.add("refund:" + config.tag());
            return Future.succeededFuture();
          }));
        });
      };
    }
  }

  record BucketConfig(String key, long burst) {}

  /**
   * {@code test-bucket: {key: k, burst: 1}}: a token bucket on the gateway's own counter store
   * ({@link PolicyEnvironment#counters()}) that practically never refills.
   */
  static final class CounterStoreThrottler implements PolicyFactory<BucketConfig> {
    @Override
    public String name() {
      return "test-bucket";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.THROTTLER;
    }

    @Override
    public BucketConfig parse(ConfigReader config) {
      return new BucketConfig(config.requiredString("key"), config.positiveLong("burst", 1));
    }

    @Override
    public Policy create(BucketConfig config, PolicyEnvironment env) {
      return (Throttler) ctx -> env.counters().takeToken("test-bucket:" + config.key(), 0.001, config.burst());
    }
  }

  // ---- transformers ------------------------------------------------------------------------

  record TraceConfig(String tag) {}

  /**
   * {@code trace: {tag: x1}}: traces every hook; every hook, body limits included, can be made to
   * deny or misbehave. Asks for no body.
   */
  static final class TracingTransformer implements PolicyFactory<TraceConfig> {
    private final Journal journal;

    TracingTransformer(Journal journal) {
      this.journal = journal;
    }

    @Override
    public String name() {
      return "trace";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public TraceConfig parse(ConfigReader config) {
      return new TraceConfig(config.requiredString("tag"));
    }

    @Override
    public Policy create(TraceConfig config, PolicyEnvironment env) {
      String tag = config.tag();
      return new Transformer() {
        @Override
        public Future<Void> onMatch(RequestContext ctx) {
          journal.add("match:" + tag);
          return script(ctx, "onMatch", tag, () -> {
            traceRequest(ctx, "match", tag);
            return Future.succeededFuture();
          });
        }

        @Override
        public Future<Void> onRequest(RequestContext ctx) {
          journal.add("request:" + tag);
          return script(ctx, "onRequest", tag, () -> {
            traceRequest(ctx, "request", tag);
            return Future.succeededFuture();
          });
        }

        @Override
        public Future<Void> onResponse(RequestContext ctx) {
          journal.add("response:" + tag);
          return script(ctx, "onResponse", tag, () -> {
            ctx.response().headers().add(TRACE, "response:" + tag);
            return Future.succeededFuture();
          });
        }

        @Override
        public long requestBodyLimit(RequestContext ctx) {
          return bodyLimit(ctx, "requestBodyLimit");
        }

        @Override
        public long responseBodyLimit(RequestContext ctx) {
          return bodyLimit(ctx, "responseBodyLimit");
        }

        private long bodyLimit(RequestContext ctx, String hook) {
          if (breakage(ctx, hook, tag) != null) {
            throw new IllegalStateException("scripted bug: " + hook + " of " + tag + " threw");
          }
          return 0;
        }
      };
    }
  }

  record CorsConfig(String origin) {}

  /**
   * {@code preflight: {origin: "https://app.example"}}: a CORS-like transformer. It answers a
   * preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) in
   * {@code onMatch}, 204, and puts {@code Access-Control-Allow-Origin} on every response to a
   * request with an {@code Origin}, telling in {@code X-From-Gateway} whether the gateway made it.
   */
  static final class PreflightTransformer implements PolicyFactory<CorsConfig> {
    private final Journal journal;

    PreflightTransformer(Journal journal) {
      this.journal = journal;
    }

    @Override
    public String name() {
      return "preflight";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public CorsConfig parse(ConfigReader config) {
      return new CorsConfig(config.requiredString("origin"));
    }

    @Override
    public Policy create(CorsConfig config, PolicyEnvironment env) {
      return new Transformer() {
        @Override
        public Future<Void> onMatch(RequestContext ctx) {
          String requested = header(ctx, "Access-Control-Request-Method");
          if ("OPTIONS".equals(ctx.method()) && header(ctx, "Origin") != null && requested != null) {
            journal.add("preflight");
            ctx.respond(204).headers()
                .set("Access-Control-Allow-Methods", requested)
                .set("Access-Control-Max-Age", "600");
          }
          return Future.succeededFuture();
        }

        @Override
        public Future<Void> onResponse(RequestContext ctx) {
          if (header(ctx, "Origin") != null) {
            ctx.response().headers()
                .set("Access-Control-Allow-Origin", config.origin())
                .set("X-From-Gateway", String.valueOf(ctx.response().fromGateway()));
          }
          return Future.succeededFuture();
        }
      };
    }
  }

  record AnswerConfig(int status, String body) {}

  /** {@code answer: {status: 200, body: "from the gateway"}}: answers in {@code onRequest}, instead of the backend. */
  static final class AnsweringTransformer implements PolicyFactory<AnswerConfig> {
    @Override
    public String name() {
      return "answer";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public AnswerConfig parse(ConfigReader config) {
      return new AnswerConfig((int) config.integer("status", 200), config.requiredString("body"));
    }

    @Override
    public Policy create(AnswerConfig config, PolicyEnvironment env) {
      return new Transformer() {
        @Override
        public Future<Void> onRequest(RequestContext ctx) {
          ctx.respond(config.status()).headers().set("Content-Type", "text/plain");
          ctx.response().body(Buffer.buffer(config.body()));
          return Future.succeededFuture();
        }
      };
    }
  }

  record BodyConfig(long requestLimit, long responseLimit) {}

  /**
   * {@code body-rewrite: {requestLimit: 1KB, responseLimit: 1KB}}: asks for the bodies (a limit of
   * 0 asks for none) and replaces them: the request's with {@code rewritten:<body>}, the
   * response's with {@code {"rewritten": <length>}}. It tells what it got in {@code X-Seen-Body}
   * (on the request for the backend, on the response for the client): the body's length, or
   * {@code none}.
   */
  static final class BodyRewriter implements PolicyFactory<BodyConfig> {
    @Override
    public String name() {
      return "body-rewrite";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public BodyConfig parse(ConfigReader config) {
      return new BodyConfig(config.size("requestLimit", 0), config.size("responseLimit", 0));
    }

    @Override
    public Policy create(BodyConfig config, PolicyEnvironment env) {
      return new Transformer() {
        @Override
        public long requestBodyLimit(RequestContext ctx) {
          return config.requestLimit();
        }

        @Override
        public long responseBodyLimit(RequestContext ctx) {
          return config.responseLimit();
        }

        @Override
        public Future<Void> onRequest(RequestContext ctx) {
          Buffer body = ctx.request().body();
          ctx.request().headers().set("X-Seen-Body", body == null ? "none" : String.valueOf(body.length()));
          if (body != null) {
            ctx.request().body(Buffer.buffer("rewritten:").appendBuffer(body));
          }
          return Future.succeededFuture();
        }

        @Override
        public Future<Void> onResponse(RequestContext ctx) {
          Buffer body = ctx.response().body();
          ctx.response().headers().set("X-Seen-Body", body == null ? "none" : String.valueOf(body.length()));
          if (body != null && !ctx.response().fromGateway()) {
            ctx.response().body(Buffer.buffer("{\"rewritten\":" + body.length() + "}"));
          }
          return Future.succeededFuture();
        }
      };
    }
  }

  record LabelConfig(String label) {}

  /**
   * {@code instance: {label: a}}: every instance has a number, sent in {@code X-Instance}; the
   * factory remembers each instance it created and whether it was closed.
   */
  static final class CountedTransformer implements PolicyFactory<LabelConfig> {
    private final Journal journal;
    private final AtomicInteger created = new AtomicInteger();
    final List<String> instances = new CopyOnWriteArrayList<>();

    CountedTransformer(Journal journal) {
      this.journal = journal;
    }

    @Override
    public String name() {
      return "instance";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public LabelConfig parse(ConfigReader config) {
      return new LabelConfig(config.requiredString("label"));
    }

    @Override
    public Policy create(LabelConfig config, PolicyEnvironment env) {
      String id = config.label() + "#" + created.incrementAndGet();
      instances.add(id);
      journal.add("create:" + id);
      return new Transformer() {
        @Override
        public Future<Void> onResponse(RequestContext ctx) {
          ctx.response().headers().set("X-Instance", id);
          return Future.succeededFuture();
        }

        @Override
        public void close() {
          journal.add("close:" + id);
        }
      };
    }
  }
}
