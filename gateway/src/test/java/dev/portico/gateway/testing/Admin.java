package dev.portico.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls a gateway's admin API as an operator's script would, with a bearer token.
 *
 * <pre>{@code
 * Admin admin = new Admin(gw.adminPort(), "s3cret");
 * JsonObject d = admin.call("POST", "/apis/shop/deployments", "{\"stage\": \"prod\"}").json();
 * }</pre>
 */
public final class Admin {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final int port;
  private final String token;

  public Admin(int port, String token) {
    this.port = port;
    this.token = token;
  }

  /** An answer: status and body. */
  public record Answer(int status, String body) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Answer call(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return send(b.build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Answer get(String path) {
    return call("GET", path, null);
  }

  /** A call that must answer {@code status}; its answer. */
  public Answer expect(int status, String method, String path, String body) {
    Answer a = call(method, path, body);
    if (a.status() != status) {
      throw new AssertionError(method + " " + path + ": expected " + status + ", got " + a);
    }
    return a;
  }

  /** GET on the gateway's client port: status and body. */
  public static Answer fetch(int port, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build());
  }
}
