package dev.portico.gateway.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few admin API calls the command line makes, blocking (a command does one thing, then
 * exits). Every failure becomes an {@link AdminCallException} whose message is one line an
 * operator can act on.
 */
final class AdminClient {

  static final String URL_VARIABLE = "PORTICO_ADMIN_URL";
  static final String TOKEN_VARIABLE = "PORTICO_ADMIN_TOKEN";
  static final String DEFAULT_URL = "http://127.0.0.1:9876";

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final String token;
  private final HttpClient http;

  /**
   * @param base the admin API, e.g. {@code http://127.0.0.1:9876}
   * @param token the bearer token; null or empty sends none
   */
  AdminClient(URI base, String token) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = token == null || token.isEmpty() ? null : token;
    // HTTP/1.1: the admin API speaks nothing else, and it spares the h2c upgrade attempt
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  }

  /** One path segment, percent-encoded: API and stage names may hold {@code $}. */
  static String segment(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code GET path}; the answer's JSON: a {@code JsonObject}, a {@code JsonArray}, ... */
  Object get(String path) throws AdminCallException {
    return send(request(path).GET());
  }

  Object post(String path, JsonObject body) throws AdminCallException {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  Object put(String path, JsonObject body) throws AdminCallException {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  Object delete(String path) throws AdminCallException {
    return send(request(path).DELETE());
  }

  URI base() {
    return base;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .header("Accept", "application/json")
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private Object send(HttpRequest.Builder request) throws AdminCallException {
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new AdminCallException("no gateway answers at " + base + " (is it running? --admin)");
    } catch (HttpTimeoutException e) {
      throw new AdminCallException("the gateway at " + base + " did not answer within " + TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw new AdminCallException("cannot talk to the gateway at " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminCallException("interrupted");
    }
    int status = response.statusCode();
    if (status == 401) {
      throw new AdminCallException(token == null
          ? "the gateway wants a token: set " + TOKEN_VARIABLE + " to its admin.token"
          : "the gateway refused the token in " + TOKEN_VARIABLE + " (401): set it to the gateway's admin.token");
    }
    if (status / 100 == 2) {
      try {
        return response.body().isBlank() ? null : Json.decodeValue(response.body());
      } catch (DecodeException e) {
        throw new AdminCallException(base + " did not answer JSON: is --admin the gateway's admin port?");
      }
    }
    JsonObject error = errorJson(response.body());
    String message = error == null ? null : error.getString("message");
    if (message == null || message.isBlank()) {
      HttpRequest sent = response.request();
      throw new AdminCallException(sent.method() + " " + sent.uri() + " answered " + status);
    }
    JsonArray errors = error.getJsonArray("errors");
    if (errors == null || errors.isEmpty()) {
      throw new AdminCallException(message + " (" + status + ")");
    }
    // a refused write lists every problem: one a line reads (and greps) better than the message
    // joining them with "; "
    StringBuilder lines = new StringBuilder(title(message, errors)).append(" (").append(status).append("):");
    errors.forEach(problem -> lines.append(System.lineSeparator()).append(problem));
    throw new AdminCallException(lines.toString());
  }

  /** The gateway's error JSON, or null when the body is something else. */
  private static JsonObject errorJson(String body) {
    try {
      Object json = body.isBlank() ? null : Json.decodeValue(body);
      return json instanceof JsonObject error ? error : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  /** {@code invalid API definition} out of {@code invalid API definition: a; b}, the problems joined. */
  private static String title(String message, JsonArray errors) {
    String joined = ": " + String.join("; ", errors.stream().map(String::valueOf).toList());
    return message.endsWith(joined) ? message.substring(0, message.length() - joined.length()) : message;
  }
}
