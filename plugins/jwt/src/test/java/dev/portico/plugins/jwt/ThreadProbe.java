package dev.portico.plugins.jwt;

import dev.portico.spi.Authorizer;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Principal;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import java.util.concurrent.Semaphore;

/**
 * Two test policies that tell whether a request came back to its own event loop after an
 * authorizer between them: {@code thread-mark} (an authorizer listed before {@code jwt}) notes the
 * thread, {@code thread-check} (a transformer, after every authorizer) answers
 * {@code X-Same-Thread: true} or {@code false}.
 */
final class ThreadProbe {

  private static final String KEY = "thread-probe.thread";

  private ThreadProbe() {}

  static final class Mark implements PolicyFactory<String> {
    /** A permit per request that reached {@code thread-mark}. */
    final Semaphore arrived = new Semaphore(0);

    @Override
    public String name() {
      return "thread-mark";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.AUTHORIZER;
    }

    @Override
    public String parse(ConfigReader config) {
      return "";
    }

    @Override
    public Policy create(String config, PolicyEnvironment env) {
      return (Authorizer) ctx -> {
        ctx.put(KEY, Thread.currentThread());
        arrived.release();
        return Future.succeededFuture(Principal.of("marked"));
      };
    }
  }

  static final class Check implements PolicyFactory<String> {
    @Override
    public String name() {
      return "thread-check";
    }

    @Override
    public PolicyKind kind() {
      return PolicyKind.TRANSFORMER;
    }

    @Override
    public String parse(ConfigReader config) {
      return "";
    }

    @Override
    public Policy create(String config, PolicyEnvironment env) {
      return new Transformer() {
        @Override
        public Future<Void> onRequest(dev.portico.spi.RequestContext ctx) {
          ctx.put(KEY + ".same", Thread.currentThread() == ctx.get(KEY));
          return Future.succeededFuture();
        }

        @Override
        public Future<Void> onResponse(dev.portico.spi.RequestContext ctx) {
          ctx.response().headers().set("X-Same-Thread", String.valueOf((Object) ctx.get(KEY + ".same")));
          return Future.succeededFuture();
        }
      };
    }
  }
}
