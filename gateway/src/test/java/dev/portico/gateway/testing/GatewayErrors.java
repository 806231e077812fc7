package dev.portico.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/**
 * Asserts that a response is an error the gateway produced itself (docs/CONFIGURATION.md): the
 * expected status, {@code Content-Type: application/json}, a body
 * {@code {"message", "status", "requestId"}} whose status matches and whose requestId is the
 * response's {@code X-Request-Id}.
 */
public final class GatewayErrors {

  private GatewayErrors() {}

  /** @return the parsed body, for further assertions (e.g. on the message) */
  public static JsonObject assertGatewayError(int status, HttpResponse<String> r) {
    return assertGatewayError(status, r.statusCode(), r.headers().firstValue("Content-Type").orElse(null),
        r.headers().firstValue("X-Request-Id").orElse(null), r.body());
  }

  /** @return the parsed body, for further assertions (e.g. on the message) */
  public static JsonObject assertGatewayError(int status, RawHttp.Response r) {
    return assertGatewayError(status, r.status(), r.header("Content-Type"), r.header("X-Request-Id"), r.text());
  }

  private static JsonObject assertGatewayError(int expected, int status, String contentType, String requestId, String body) {
    String context = " (response " + status + ": " + RawHttp.clip(body) + ")";
    assertEquals(expected, status, "status" + context);
    assertNotNull(contentType, "Content-Type" + context);
    assertTrue(contentType.startsWith("application/json"), "Content-Type was " + contentType + context);
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException e) {
      throw new AssertionError("the error body is not JSON" + context, e);
    }
    assertEquals(expected, json.getInteger("status"), "the body's status" + context);
    assertFalse(json.getString("message", "").isBlank(), "the body's message" + context);
    assertNotNull(requestId, "X-Request-Id" + context);
    assertEquals(requestId, json.getString("requestId"), "the body's requestId is the X-Request-Id header" + context);
    return json;
  }
}
