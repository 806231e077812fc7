package dev.portico.plugins.body;

import dev.portico.spi.GatewayRequest;
import dev.portico.spi.GatewayResponse;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link BodyConfig}: asks the gateway for JSON bodies only (decided per request from
 * {@code Content-Type}), so every other body streams; holds nothing per request, so one instance
 * serves every event loop.
 */
final class BodyTransformer implements Transformer {

  private static final Logger log = LoggerFactory.getLogger(BodyTransformer.class);

  private final JsonTemplate request;
  private final JsonTemplate response;
  private final long maxSize;

  BodyTransformer(BodyConfig config) {
    this.request = config.request();
    this.response = config.response();
    this.maxSize = config.maxSize();
  }

  @Override
  public long requestBodyLimit(RequestContext ctx) {
    return request != null && isJson(ctx.request().headers().get("Content-Type")) ? maxSize : 0;
  }

  @Override
  public long responseBodyLimit(RequestContext ctx) {
    return applies(ctx.response()) ? maxSize : 0;
  }

  @Override
  public Future<Void> onRequest(RequestContext ctx) {
    GatewayRequest req = ctx.request();
    if (request == null || !isJson(req.headers().get("Content-Type"))) {
      return Future.succeededFuture();
    }
    Buffer body = req.body();
    if (body == null) {
      return Future.succeededFuture(); // no body to rewrite
    }
    if (body.length() > maxSize) {
      // buffered for another transformer that reads more than we do
      return Future.failedFuture(Rejection.of(413, "request body is over the " + maxSize + " bytes the body policy reads"));
    }
    try {
      Object json = decode(body, "request body");
      req.body(Json.encodeToBuffer(request.render(ctx, json)));
      return Future.succeededFuture();
    } catch (RuntimeException e) {
      return Future.failedFuture(e); // a Rejection (400) or a bug
    }
  }

  @Override
  public Future<Void> onResponse(RequestContext ctx) {
    GatewayResponse resp = ctx.response();
    if (!applies(resp)) {
      return Future.succeededFuture();
    }
    Buffer body = resp.body();
    if (body == null) {
      return Future.succeededFuture(); // over the limit: the gateway passes it through and says so
    }
    if (body.length() > maxSize) {
      log.warn("{} response body of {} bytes is over the body policy's maxSize of {} bytes: passed through untouched",
          ctx.requestId(), body.length(), maxSize);
      return Future.succeededFuture();
    }
    Object json;
    try {
      json = decode(body, "the backend's response body");
    } catch (Rejection e) {
      return Future.failedFuture(Rejection.of(502, e.getMessage()));
    }
    try {
      resp.body(Json.encodeToBuffer(response.render(ctx, json)));
      return Future.succeededFuture();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The response template applies to the backend's 2xx JSON responses, never to the gateway's own errors. */
  private boolean applies(GatewayResponse resp) {
    return response != null
        && !resp.fromGateway()
        && resp.status() >= 200 && resp.status() < 300
        && isJson(resp.headers().get("Content-Type"));
  }

  private static Object decode(Buffer body, String what) {
    if (body.length() == 0) {
      return null;
    }
    try {
      return Json.decodeValue(body);
    } catch (DecodeException e) {
      throw Rejection.badRequest(what + " is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "malformed";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.startsWith("Failed to decode:") ? line.substring("Failed to decode:".length()).trim() : line;
  }

  /** {@code application/json} or any {@code application/<x>+json}, parameters ignored, case-insensitive. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int end = contentType.indexOf(';');
    if (end < 0) {
      end = contentType.length();
    }
    while (end > 0 && contentType.charAt(end - 1) == ' ') {
      end--;
    }
    int start = 0;
    while (start < end && contentType.charAt(start) == ' ') {
      start++;
    }
    String type = "application/";
    if (!contentType.regionMatches(true, start, type, 0, type.length())) {
      return false;
    }
    int subtype = start + type.length();
    return (end - subtype == 4 && contentType.regionMatches(true, subtype, "json", 0, 4))
        || (end - subtype > 5 && contentType.regionMatches(true, end - 5, "+json", 0, 5));
  }
}
