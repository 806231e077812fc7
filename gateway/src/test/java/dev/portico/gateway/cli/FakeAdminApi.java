package dev.portico.gateway.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A real HTTP server on loopback that answers like the gateway's admin API, for the tests of the
 * commands that call it (the commands are what is under test). Each {@code METHOD path} gets the
 * answer a test gives it, anything else 404 in the admin API's error format; every request is
 * recorded, raw path, token and body, in the order received.
 */
final class FakeAdminApi implements AutoCloseable {

  /** A request as the server received it; {@code authorization} is null when absent. */
  record Request(String method, String rawPath, String authorization, String body) {}

  private record Answer(int status, String body) {}

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();

  FakeAdminApi() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers {@code method rawPath} with {@code status} and the JSON {@code body}. */
  FakeAdminApi answer(String method, String rawPath, int status, String body) {
    answers.put(method + " " + rawPath, new Answer(status, body));
    return this;
  }

  /** The next request received, in order; fails if there is none. */
  Request next() {
    Request request = received.poll();
    if (request == null) {
      throw new AssertionError("no (further) request reached the admin API");
    }
    return request;
  }

  /** How many requests are recorded and not yet taken by {@link #next()}. */
  int pending() {
    return received.size();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(new Request(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
    Answer answer = answers.getOrDefault(method + " " + path,
        new Answer(404, "{\"message\":\"Not Found\",\"status\":404,\"requestId\":\"r-1\"}"));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
