package dev.portico.gateway.admin;

import dev.portico.gateway.config.ApiDefinition;
import dev.portico.gateway.pipeline.GatewayError;
import dev.portico.gateway.proxy.RequestIds;
import dev.portico.gateway.state.ApiState;
import dev.portico.gateway.state.Definitions;
import dev.portico.gateway.state.Deployment;
import dev.portico.gateway.state.WriteRefused;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's {@code /apis} resources (the caller is already authenticated):
 *
 * <pre>
 * GET    /apis                              the current definitions
 * GET    /apis/{name}                       one
 * PUT    /apis/{name}                       replace or create its definition (400 with every problem)
 * DELETE /apis/{name}                       stop serving it
 * POST   /apis/{name}/deployments           freeze the current definition {"stage", "description"}
 * GET    /apis/{name}/deployments           newest first
 * GET    /apis/{name}/stages                its stages: deployment, variables, canary
 * GET    /apis/{name}/stages/{stage}        one
 * PUT    /apis/{name}/stages/{stage}        merge {"deploymentId", "variables", "canary"}
 * </pre>
 *
 * <p>A write answers once the change serves on this node; other nodes of a cluster follow within
 * moments.
 */
final class AdminApi {

  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  /** Definitions are small; anything larger is a mistake, refused before it is read. */
  static final long MAX_BODY = 1024 * 1024;
  private static final String REQUEST_ID = "X-Request-Id";

  private final Definitions definitions;
  private final DefinitionJson json;
  private final Supplier<Future<Void>> refresh;

  AdminApi(Definitions definitions, DefinitionJson json, Supplier<Future<Void>> refresh) {
    this.definitions = definitions;
    this.json = json;
    this.refresh = refresh;
  }

  /** Answers a request under {@code /apis}; returns false when the path is none of its resources. */
  boolean handle(HttpServerRequest req) {
    String[] parts = req.path().substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = decode(parts[i]);
    }
    if (!parts[0].equals("apis") || parts.length > 4) {
      return false;
    }
    String method = req.method().name();
    if (parts.length == 1) {
      return only(req, method, "GET", () -> listApis(req));
    }
    String name = parts[1];
    if (name.isEmpty()) {
      return false;
    }
    if (parts.length == 2) {
      switch (method) {
        case "GET" -> getApi(req, name);
        case "PUT" -> withBody(req, body -> write(req, definitions.putDefinition(name, body)
            .map(created -> new Answer(created ? 201 : 200, apiJson(definitions.find(name))))));
        case "DELETE" -> write(req, definitions.delete(name).map(v -> new Answer(204, null)));
        default -> notAllowed(req, "GET, PUT, DELETE");
      }
      return true;
    }
    if (parts[2].equals("deployments") && parts.length == 3) {
      switch (method) {
        case "GET" -> withApi(req, name, state -> {
          JsonArray out = new JsonArray();
          state.deployments().forEach(d -> out.add(d.summary()));
          send(req, 200, out);
        });
        case "POST" -> withBody(req, body -> write(req, definitions.deploy(name, body)
            .map(d -> new Answer(201, deployed(d, body.getString("stage"))))));
        default -> notAllowed(req, "GET, POST");
      }
      return true;
    }
    if (parts[2].equals("stages")) {
      if (parts.length == 3) {
        return only(req, method, "GET", () -> withApi(req, name, state -> send(req, 200, new JsonArray(
            new java.util.ArrayList<>(definitions.stages(state))))));
      }
      String stage = parts[3];
      switch (method) {
        case "GET" -> withApi(req, name, state -> definitions.stages(state).stream()
            .filter(s -> s.getString("name").equals(stage)).findFirst()
            .ifPresentOrElse(s -> send(req, 200, s),
                () -> error(req, 404, "API '" + name + "' has no stage '" + stage + "'")));
        case "PUT" -> withBody(req, body -> write(req, definitions.putStage(name, stage, body)
            .map(s -> new Answer(200, s))));
        default -> notAllowed(req, "GET, PUT");
      }
      return true;
    }
    return false;
  }

  private record Answer(int status, Object body) {}

  /** A path segment as meant: {@code %24default} is {@code $default} (a '+' stays a '+'). */
  private static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    try {
      return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return segment; // a malformed escape: the name is then refused as it is
    }
  }

  private void listApis(HttpServerRequest req) {
    JsonArray out = new JsonArray();
    for (ApiState state : definitions.effective()) {
      out.add(apiJson(state));
    }
    send(req, 200, out);
  }

  private void getApi(HttpServerRequest req, String name) {
    withApi(req, name, state -> send(req, 200, apiJson(state)));
  }

  private JsonObject apiJson(ApiState state) {
    if (state == null) {
      return new JsonObject();
    }
    ApiDefinition current = definitions.current(state);
    JsonObject out = current != null ? json.api(current)
        : new JsonObject().put("name", state.name()).put("problems", "the definition no longer loads: see the log");
    return out.put("managedBy", definitions.managed(state.name()) ? "admin" : "file");
  }

  private static JsonObject deployed(Deployment d, String stage) {
    JsonObject out = d.summary();
    if (stage != null) {
      out.put("stage", stage);
    }
    return out;
  }

  private void withApi(HttpServerRequest req, String name, java.util.function.Consumer<ApiState> then) {
    ApiState state = definitions.find(name);
    if (state == null) {
      error(req, 404, "no API named '" + name + "'");
    } else {
      then.accept(state);
    }
  }

  private static boolean only(HttpServerRequest req, String method, String allowed, Runnable then) {
    if (method.equals(allowed)) {
      then.run();
    } else {
      notAllowed(req, allowed);
    }
    return true;
  }

  private static void notAllowed(HttpServerRequest req, String allow) {
    req.response().putHeader(HttpHeaders.ALLOW, allow);
    error(req, 405, "Method Not Allowed");
  }

  /** Reads a JSON object body (an empty body is {}), or answers 400/413. */
  private static void withBody(HttpServerRequest req, java.util.function.Consumer<JsonObject> then) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && (length.length() > 18 || Long.parseLong(length.trim()) > MAX_BODY)) {
      error(req, 413, "the body must be at most 1MB");
      return;
    }
    req.body().onComplete(ar -> {
      if (ar.failed()) {
        error(req, 400, "cannot read the body: " + ar.cause().getMessage());
        return;
      }
      Buffer body = ar.result();
      if (body.length() > MAX_BODY) {
        error(req, 413, "the body must be at most 1MB");
        return;
      }
      if (body.length() == 0) {
        then.accept(new JsonObject());
        return;
      }
      if (!body.toString().stripLeading().startsWith("{")) {
        error(req, 400, "the body must be a JSON object");
        return;
      }
      JsonObject object;
      try {
        object = new JsonObject(body);
      } catch (DecodeException e) {
        error(req, 400, "the body is not JSON: " + e.getMessage());
        return;
      }
      then.accept(object);
    });
  }

  /** Answers a write once it serves here, or with its refusal. */
  private void write(HttpServerRequest req, Future<Answer> change) {
    change.compose(answer -> refresh.get().map(answer)).onComplete(ar -> {
      if (ar.succeeded()) {
        Answer a = ar.result();
        if (a.body() == null) {
          req.response().setStatusCode(a.status()).end();
        } else {
          send(req, a.status(), a.body());
        }
      } else if (ar.cause() instanceof WriteRefused refused) {
        String requestId = RequestIds.create();
        JsonObject body = new JsonObject().put("message", refused.getMessage()).put("status", refused.status())
            .put("requestId", requestId);
        req.response().putHeader(REQUEST_ID, requestId);
        if (!refused.problems().isEmpty()) {
          body.put("errors", new JsonArray(refused.problems()));
        }
        send(req, refused.status(), body);
      } else {
        log.error("admin write {} {} failed", req.method(), req.path(), ar.cause());
        error(req, 500, "the change could not be saved: "
            + java.util.Objects.requireNonNullElse(ar.cause().getMessage(), ar.cause().getClass().getSimpleName()));
      }
    });
  }

  static void send(HttpServerRequest req, int status, Object body) {
    req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  /** The gateway's JSON error, its requestId also in {@code X-Request-Id} as on the client port. */
  static void error(HttpServerRequest req, int status, String message) {
    String requestId = RequestIds.create();
    req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, GatewayError.CONTENT_TYPE)
        .putHeader(REQUEST_ID, requestId).end(GatewayError.body(status, message, requestId));
  }
}
