package dev.portico.plugins.cors;

import dev.portico.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Requests to a test gateway shaped as a browser sends them for a page on another origin. */
final class Browser {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private Browser() {}

  /**
   * The preflight a browser sends before a non-simple request: {@code OPTIONS} with
   * {@code Origin}, {@code Access-Control-Request-Method} and, when the request has non-safelisted
   * headers, {@code Access-Control-Request-Headers} (lower-case, comma-separated, as Chromium sends it).
   */
  static HttpResponse<String> preflight(TestGateway gw, String path, String origin, String method, String requestHeaders) {
    HttpRequest.Builder b = request(gw, path)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method);
    if (requestHeaders != null) {
      b.header("Access-Control-Request-Headers", requestHeaders);
    }
    return send(b.method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
  }

  /** A request with {@code headers} given as name, value, name, value... (add {@code Origin} for a cross-origin one). */
  static HttpResponse<String> send(TestGateway gw, String method, String path, String... headers) {
    HttpRequest.Builder b = request(gw, path);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  /** The Access-Control-* headers of a response, for assertions that there are none. */
  static List<String> corsHeaders(HttpResponse<?> response) {
    return response.headers().map().keySet().stream()
        .filter(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"))
        .sorted()
        .toList();
  }

  private static HttpRequest.Builder request(TestGateway gw, String path) {
    return HttpRequest.newBuilder(gw.uri(path)).timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
