package dev.portico.plugins.rewrite;

import dev.portico.plugins.rewrite.RewriteConfig.QueryParam;
import dev.portico.spi.GatewayRequest;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import java.util.List;

/** Applies a {@link RewriteConfig} in {@code onRequest}; holds nothing per request, so one instance serves every event loop. */
final class RewriteTransformer implements Transformer {

  private final BackendPath path;
  private final List<String> removeQuery;
  private final List<QueryParam> setQuery;

  RewriteTransformer(RewriteConfig config) {
    this.path = config.path();
    this.removeQuery = config.removeQuery();
    this.setQuery = config.setQuery();
  }

  @Override
  public Future<Void> onRequest(RequestContext ctx) {
    // Render everything before changing anything: values read the request as it came in (so a
    // query parameter can be renamed), and a refused value leaves the request untouched.
    String newPath;
    String[] values = new String[setQuery.size()];
    try {
      newPath = path == null ? null : path.render(ctx);
      for (int i = 0; i < values.length; i++) {
        values[i] = setQuery.get(i).value().render(ctx);
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e); // a Rejection (400) or a bug
    }
    GatewayRequest request = ctx.request();
    if (newPath != null) {
      request.pathOverride(newPath);
    }
    if (values.length > 0 || !removeQuery.isEmpty()) {
      MultiMap query = request.query();
      for (String name : removeQuery) {
        query.remove(name);
      }
      for (int i = 0; i < values.length; i++) {
        String name = setQuery.get(i).name();
        if (values[i].isEmpty()) {
          query.remove(name);
        } else {
          query.set(name, values[i]);
        }
      }
    }
    return Future.succeededFuture();
  }
}
