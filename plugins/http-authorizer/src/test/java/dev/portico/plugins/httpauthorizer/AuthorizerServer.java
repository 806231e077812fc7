package dev.portico.plugins.httpauthorizer;

import dev.portico.gateway.testing.Backend;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real authorizer service on loopback whose answer is chosen by the bearer token it is asked
 * about, and which records every call:
 *
 * <ul>
 *   <li>{@code allow-<name>}: 200 {@code {"principalId": name, "tier": "gold"}}</li>
 *   <li>{@code sub-<name>}: 200 {@code {"sub": name}}</li>
 *   <li>{@code deny-*}: 403 {@code {"message": "not for you"}}</li>
 *   <li>{@code expired-*}: 401 with {@code WWW-Authenticate: Bearer error="invalid_token"}</li>
 *   <li>{@code broken-*}: 500; {@code noid-*}: 200 without an id</li>
 *   <li>{@code slow-*}: never answers</li>
 *   <li>{@code gate-<name>}: held until {@link #release} is called, then as {@code allow-<name>}</li>
 * </ul>
 */
final class AuthorizerServer implements AutoCloseable {

  /** One call: the token, the headers and the JSON body the gateway sent. */
  record Call(String token, MultiMap headers, JsonObject body) {}

  private final Backend server;
  private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
  private final Map<String, Queue<Runnable>> held = new ConcurrentHashMap<>();
  private final Set<String> released = ConcurrentHashMap.newKeySet();

  AuthorizerServer() {
    this(Backend.start());
  }

  private AuthorizerServer(Backend backend) {
    server = backend.handler(this::handle);
  }

  /** The same service over HTTPS, with this PEM certificate and key. */
  static AuthorizerServer tls(Path cert, Path key) {
    return new AuthorizerServer(Backend.startTls(cert, key));
  }

  String uri() {
    return server.url() + "/authorize";
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buffer -> {
      String auth = req.getHeader("Authorization");
      String token = auth == null ? "" : auth.replaceFirst("^Bearer ", "");
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
      calls.add(new Call(token, headers, buffer.length() == 0 ? null : new JsonObject(buffer)));
      answer(req, token);
    });
  }

  private void answer(HttpServerRequest req, String token) {
    String name = token.substring(token.indexOf('-') + 1);
    if (token.startsWith("allow-")) {
      json(req, 200, new JsonObject().put("principalId", name).put("tier", "gold"));
    } else if (token.startsWith("sub-")) {
      json(req, 200, new JsonObject().put("sub", name).put("email", name + "@example.com"));
    } else if (token.startsWith("deny-")) {
      json(req, 403, new JsonObject().put("message", "not for you"));
    } else if (token.startsWith("expired-")) {
      req.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      json(req, 401, new JsonObject().put("message", "token expired"));
    } else if (token.startsWith("broken-")) {
      json(req, 500, new JsonObject().put("message", "oops"));
    } else if (token.startsWith("noid-")) {
      json(req, 200, new JsonObject().put("name", name));
    } else if (token.startsWith("slow-")) {
      // never answers
    } else if (token.startsWith("gate-")) {
      Runnable allow = () -> json(req, 200, new JsonObject().put("principalId", name));
      if (released.contains(token)) {
        allow.run();
      } else {
        held.computeIfAbsent(token, t -> new ConcurrentLinkedQueue<>()).add(allow);
        if (released.contains(token)) {
          releaseHeld(token);
        }
      }
    } else {
      json(req, 400, new JsonObject().put("message", "unknown test token"));
    }
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Answers the held calls for {@code token}, and every later one at once. */
  void release(String token) {
    released.add(token);
    releaseHeld(token);
  }

  private void releaseHeld(String token) {
    Queue<Runnable> waiting = held.getOrDefault(token, new ConcurrentLinkedQueue<>());
    for (Runnable r = waiting.poll(); r != null; r = waiting.poll()) {
      Runnable answer = r;
      server.vertx().runOnContext(v -> answer.run());
    }
  }

  /** How many calls asked about {@code token}. */
  int calls(String token) {
    return (int) calls.stream().filter(c -> c.token().equals(token)).count();
  }

  /** The calls that asked about {@code token}, in order. */
  List<Call> callsFor(String token) {
    return calls.stream().filter(c -> c.token().equals(token)).toList();
  }

  int totalCalls() {
    return calls.size();
  }

  @Override
  public void close() {
    server.close();
  }
}
