package dev.portico.spi;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/** A request context with fields to set: the input of the template under test. */
final class TestContext implements RequestContext {

  String requestId = "req-1";
  Principal principal = Principal.ANONYMOUS;
  final Map<String, String> pathParams = new HashMap<>();
  final Map<String, String> stageVariables = new HashMap<>();
  final Map<String, Object> values = new HashMap<>();
  final Request request = new Request();

  TestContext header(String name, String value) {
    request.headers.add(name, value);
    return this;
  }

  TestContext query(String name, String value) {
    request.query.add(name, value);
    return this;
  }

  @Override
  public String requestId() {
    return requestId;
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
    return request.method;
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
    return null;
  }

  @Override
  public GatewayResponse respond(int status) {
    throw new UnsupportedOperationException();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    return (T) values.get(key);
  }

  @Override
  public void put(String key, Object value) {
    values.put(key, value);
  }

  @Override
  public Vertx vertx() {
    throw new UnsupportedOperationException();
  }

  static final class Request implements GatewayRequest {
    String method = "GET";
    String pathOverride;
    final MultiMap query = MultiMap.caseInsensitiveMultiMap();
    final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    Buffer body;

    @Override
    public String method() {
      return method;
    }

    @Override
    public void method(String method) {
      this.method = method;
    }

    @Override
    public String pathOverride() {
      return pathOverride;
    }

    @Override
    public void pathOverride(String path) {
      this.pathOverride = path;
    }

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
      return body;
    }

    @Override
    public void body(Buffer body) {
      this.body = body;
    }
  }
}
