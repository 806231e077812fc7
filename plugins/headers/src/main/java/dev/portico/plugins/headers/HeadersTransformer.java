package dev.portico.plugins.headers;

import dev.portico.plugins.headers.HeadersConfig.Changes;
import dev.portico.plugins.headers.HeadersConfig.Header;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/** Applies a {@link HeadersConfig}; holds nothing per request, so one instance serves every event loop. */
final class HeadersTransformer implements Transformer {

  private final Changes request;
  private final Changes response;

  HeadersTransformer(HeadersConfig config) {
    this.request = config.request();
    this.response = config.response();
  }

  @Override
  public Future<Void> onRequest(RequestContext ctx) {
    if (request.isEmpty()) {
      return Future.succeededFuture();
    }
    return apply(request, ctx, ctx.request().headers());
  }

  @Override
  public Future<Void> onResponse(RequestContext ctx) {
    if (response.isEmpty() || ctx.response() == null) {
      return Future.succeededFuture();
    }
    return apply(response, ctx, ctx.response().headers());
  }

  private static Future<Void> apply(Changes changes, RequestContext ctx, MultiMap headers) {
    // Render everything before changing anything: values read the headers as they came in (so a
    // header can be moved), and a missing required value leaves the headers untouched.
    String[] set = new String[changes.set().size()];
    String[] add = new String[changes.add().size()];
    try {
      for (int i = 0; i < set.length; i++) {
        set[i] = changes.set().get(i).value().renderHeaderValue(ctx);
      }
      for (int i = 0; i < add.length; i++) {
        add[i] = changes.add().get(i).value().renderHeaderValue(ctx);
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);   // a Rejection (400) or a bug
    }
    for (String name : changes.remove()) {
      headers.remove(name);
    }
    for (int i = 0; i < set.length; i++) {
      Header header = changes.set().get(i);
      if (set[i].isEmpty()) {
        headers.remove(header.name());
      } else {
        headers.set(header.name(), set[i]);
      }
    }
    for (int i = 0; i < add.length; i++) {
      if (!add[i].isEmpty()) {
        headers.add(changes.add().get(i).name(), add[i]);
      }
    }
    return Future.succeededFuture();
  }
}
