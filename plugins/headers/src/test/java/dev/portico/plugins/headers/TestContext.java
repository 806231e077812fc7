package dev.portico.plugins.headers;

import dev.portico.spi.GatewayRequest;
import dev.portico.spi.GatewayResponse;
import dev.portico.spi.Principal;
import dev.portico.spi.RequestContext;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/** A request context with fields to set: the input of the plugin under test. */
final class TestContext implements RequestContext {

  Principal principal = Principal.ANONYMOUS;
  final Map<String, String> pathParams = new HashMap<>();
  final Map<String, String> stageVariables = new HashMap<>();
  final Request request = new Request();
  Response response;

  TestContext header(String name, String value) {
    request.headers.add(name, value);
    return this;
  }

  Response answered(int status) {
    response = new Response(status);
    return response;
  }

  @Override
  public String requestId() {
    return "req-1";
  }

  @Override
  public String apiName() {
    return "petstore";
  }

  @Override
  public String stage() {
    return "$default";
  }

  @Override
  public String routePath() {
    return "/pets/{id}";
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String path() {
    return "/pets/7";
  }

  @Override
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  @Override
  public Map<String, String> pathParams() {
    return pathParams;
  }

  @Override
  public String stageVariable(String name) {
    return stageVariables.get(name);
  }

  @Override
  public String sourceIp() {
    return "127.0.0.1";
  }

  @Override
  public Principal principal() {
    return principal;
  }

  @Override
  public GatewayRequest request() {
    return request;
  }

  @Override
  public GatewayResponse response() {
    return response;
  }

  @Override
  public GatewayResponse respond(int status) {
    return answered(status);
  }

  @Override
  public <T> T get(String key) {
    return null;
  }

  @Override
  public void put(String key, Object value) {}

  @Override
  public Vertx vertx() {
    throw new UnsupportedOperationException();
  }

  static final class Request implements GatewayRequest {
    final MultiMap query = MultiMap.caseInsensitiveMultiMap();
    final MultiMap headers = MultiMap.caseInsensitiveMultiMap();

    @Override
    public String method() {
      return "GET";
    }

    @Override
    public void method(String method) {}

    @Override
    public String pathOverride() {
      return null;
    }

    @Override
    public void pathOverride(String path) {}

    @Override
    public MultiMap query() {
      return query;
    }

    @Override
    public MultiMap headers() {
      return headers;
    }

    @Override
    public Buffer body() {
      return null;
    }

    @Override
    public void body(Buffer body) {}
  }

  static final class Response implements GatewayResponse {
    int status;
    final MultiMap headers = MultiMap.caseInsensitiveMultiMap();

    Response(int status) {
      this.status = status;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public void status(int status) {
      this.status = status;
    }

    @Override
    public MultiMap headers() {
      return headers;
    }

    @Override
    public Buffer body() {
      return null;
    }

    @Override
    public void body(Buffer body) {}

    @Override
    public boolean fromGateway() {
      return false;
    }
  }
}
