package dev.portico.plugins.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** HTTP/1.1 requests to a test gateway, as a client sends them, and what the gateway's errors look like. */
final class Client {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Client() {}

  /** {@code GET path} with {@code headers} given as name, value, name, value... */
  static HttpResponse<String> get(TestGateway gw, String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Asserts the gateway's own JSON error with this status and returns its message. */
  static String errorMessage(HttpResponse<String> response, int status) {
    String context = response.statusCode() + " " + response.headers().map() + " " + response.body();
    assertEquals(status, response.statusCode(), context);
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null), context);
    JsonObject body = new JsonObject(response.body());
    assertEquals(status, body.getInteger("status"), context);
    return body.getString("message");
  }
}
