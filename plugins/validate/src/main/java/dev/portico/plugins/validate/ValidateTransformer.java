package dev.portico.plugins.validate;

import dev.portico.spi.GatewayRequest;
import dev.portico.spi.Rejection;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.util.List;
import java.util.Locale;

/**
 * Applies a {@link ValidateConfig} in {@code onRequest}: required query parameters, then required
 * headers, then the body's schema; the first failure is a 400 naming the field. Holds nothing per
 * request (the compiled {@link Validator} keeps no state between calls), so one instance serves
 * every event loop.
 */
final class ValidateTransformer implements Transformer {

  private static final Future<Void> VALID = Future.succeededFuture();

  private final Validator schema;
  private final List<String> requiredQuery;
  private final List<String> requiredHeaders;

  ValidateTransformer(ValidateConfig config) {
    this.schema = config.schema();
    this.requiredQuery = config.requiredQuery();
    this.requiredHeaders = config.requiredHeaders();
  }

  /** The body is read only when there is a schema; the gateway caps this at {@code server.maxBodySize} (413 beyond). */
  @Override
  public long requestBodyLimit(RequestContext ctx) {
    return schema == null ? 0 : Long.MAX_VALUE;
  }

  @Override
  public Future<Void> onRequest(RequestContext ctx) {
    GatewayRequest request = ctx.request();
    for (String name : requiredQuery) {
      if (isEmpty(request.query().get(name))) {
        return refuse("query." + name + ": required");
      }
    }
    for (String name : requiredHeaders) {
      if (isEmpty(request.headers().get(name))) {
        return refuse("header." + name + ": required");
      }
    }
    if (schema == null) {
      return VALID;
    }
    Buffer body = request.body();
    if (body == null || body.length() == 0) {
      return refuse("body: required (a JSON body)");
    }
    String contentType = request.headers().get("Content-Type");
    if (contentType != null && !isJson(contentType)) {
      return refuse("body: must be JSON (Content-Type was " + contentType + ")");
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      return refuse("body: not valid JSON");
    }
    OutputUnit result = schema.validate(json);
    if (Boolean.TRUE.equals(result.getValid())) {
      return VALID;
    }
    return refuse(FailedField.describe(result));
  }

  private static Future<Void> refuse(String message) {
    return Future.failedFuture(Rejection.badRequest(message));
  }

  private static boolean isEmpty(String value) {
    return value == null || value.isEmpty();
  }

  /** {@code application/json}, or any {@code +json} type such as {@code application/merge-patch+json}. */
  private static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.endsWith("+json");
  }
}
