package dev.portico.plugins.body;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** HTTP/1.1 requests to a test gateway, as a client sends them, and what the gateway's errors look like. */
final class Client {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Client() {}

  /** {@code POST path} with a body of this type; {@code headers} as name, value, name, value... */
  static HttpResponse<byte[]> post(TestGateway gw, String path, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", contentType);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  static HttpResponse<byte[]> postJson(TestGateway gw, String path, String json, String... headers) {
    return post(gw, path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
  }

  static HttpResponse<byte[]> get(TestGateway gw, String path) {
    return send(HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(20)).GET().build());
  }

  static HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** Asserts the gateway's own JSON error with this status and returns its message. */
  static String errorMessage(HttpResponse<byte[]> response, int status) {
    String context = response.statusCode() + " " + response.headers().map() + " " + text(response);
    assertEquals(status, response.statusCode(), context);
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null), context);
    JsonObject body = new JsonObject(text(response));
    assertEquals(status, body.getInteger("status"), context);
    return body.getString("message");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
