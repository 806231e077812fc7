package dev.portico.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The client side of the pipeline's tests: HTTP/1.1 requests to a test gateway, and what its errors look like. */
final class Wire {

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Wire() {}

  /** A request to {@code path} of the gateway, with a timeout so that a hung request fails the test. */
  static HttpRequest.Builder to(TestGateway gw, String path) {
    return HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
  }

  /** {@code GET path} with {@code headers} given as name, value, name, value... */
  static HttpResponse<String> get(TestGateway gw, String path, String... headers) {
    HttpRequest.Builder b = to(gw, path);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.GET().build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Asserts the gateway's own JSON error: the status, {@code Content-Type: application/json} and a
   * body {@code {"message", "status", "requestId"}} whose request id is the response's.
   *
   * @return the body, for more assertions
   */
  static JsonObject assertGatewayError(HttpResponse<String> response, int status, String message) {
    String context = response.statusCode() + " " + response.headers().map() + " " + response.body();
    assertEquals(status, response.statusCode(), context);
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null), context);
    JsonObject body = new JsonObject(response.body());
    assertEquals(status, body.getInteger("status"), context);
    if (message != null) {
      assertEquals(message, body.getString("message"), context);
    }
    assertEquals(response.headers().firstValue("X-Request-Id").orElse(null), body.getString("requestId"), context);
    return body;
  }
}
