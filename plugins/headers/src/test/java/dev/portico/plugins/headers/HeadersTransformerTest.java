package dev.portico.plugins.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import dev.portico.spi.Transformer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the {@code headers} policy does to the request and the response. */
class HeadersTransformerTest {

  private final TestContext ctx = new TestContext();

  private static Transformer policy(String json) {
    List<String> problems = new ArrayList<>();
    ConfigReader reader = new ConfigReader(new JsonObject(json), "headers", problems);
    HeadersFactory factory = new HeadersFactory();
    HeadersConfig config = factory.parse(reader);
    reader.finish();
    assertEquals(List.of(), problems);
    return (Transformer) factory.create(config, null);
  }

  private static void assertSucceeded(Future<Void> future) {
    assertTrue(future.succeeded(), () -> "failed: " + future.cause());
  }

  private static Rejection rejection(Future<Void> future) {
    assertTrue(future.failed(), "expected a rejection");
    return (Rejection) future.cause();
  }

  @Test
  void requestHeadersAreRemovedThenSetThenAdded() {
    ctx.header("X-Gone", "1").header("X-Set", "old").header("X-Set", "older").header("X-Add", "a").header("X-Both", "client");
    Transformer policy = policy("""
        {"request": {"remove": ["X-Gone", "X-Both"], "set": {"X-Set": "new", "X-Both": "set"}, "add": {"X-Add": "b", "X-Both": "added"}}}""");
    assertSucceeded(policy.onRequest(ctx));
    var headers = ctx.request.headers;
    assertFalse(headers.contains("X-Gone"));
    assertEquals(List.of("new"), headers.getAll("X-Set"));
    assertEquals(List.of("a", "b"), headers.getAll("X-Add"));
    assertEquals(List.of("set", "added"), headers.getAll("X-Both"));
  }

  @Test
  void valuesAreRenderedFromTheRequestAsItCameSoAHeaderCanBeMoved() {
    ctx.header("Authorization", "Bearer abc");
    Transformer policy = policy("""
        {"request": {"remove": ["Authorization"], "set": {"X-Original-Auth": "${request.header.authorization}"}}}""");
    assertSucceeded(policy.onRequest(ctx));
    assertNull(ctx.request.headers.get("Authorization"));
    assertEquals("Bearer abc", ctx.request.headers.get("X-Original-Auth"));
  }

  @Test
  void templatesReadThePrincipalPathQueryStageAndRequestId() {
    ctx.principal = Principal.of("alice", Map.of("tenant", "acme"));
    ctx.pathParams.put("id", "7");
    ctx.request.query.add("v", "2");
    ctx.stageVariables.put("region", "eu");
    Transformer policy = policy("""
        {"request": {"set": {"X-User": "${principal.id}@${principal.tenant}", "X-Pet": "pet-${request.path.id}-v${request.query.v}",
                             "X-Region": "${stage.region}", "X-Request-Id": "${requestId}"}}}""");
    assertSucceeded(policy.onRequest(ctx));
    assertEquals("alice@acme", ctx.request.headers.get("X-User"));
    assertEquals("pet-7-v2", ctx.request.headers.get("X-Pet"));
    assertEquals("eu", ctx.request.headers.get("X-Region"));
    assertEquals("req-1", ctx.request.headers.get("X-Request-Id"));
  }

  @Test
  void setThatRendersEmptyRemovesTheClientsOwnValue() {
    ctx.header("X-User", "admin");   // spoofed by the client; the request is anonymous
    assertSucceeded(policy("{\"request\": {\"set\": {\"X-User\": \"${principal.email}\"}}}").onRequest(ctx));
    assertFalse(ctx.request.headers.contains("X-User"));
  }

  @Test
  void addThatRendersEmptyAddsNothing() {
    ctx.header("X-Tag", "a");
    assertSucceeded(policy("{\"request\": {\"add\": {\"X-Tag\": \"${request.query.tag}\"}}}").onRequest(ctx));
    assertEquals(List.of("a"), ctx.request.headers.getAll("X-Tag"));
  }

  @Test
  void missingRequiredValueIsA400AndLeavesTheHeadersAlone() {
    ctx.header("Authorization", "Bearer abc");
    Transformer policy = policy("""
        {"request": {"remove": ["Authorization"], "set": {"X-Tenant": "${request.header.X-Tenant!}"}}}""");
    Rejection r = rejection(policy.onRequest(ctx));
    assertEquals(400, r.status());
    assertEquals("request.header.X-Tenant is required", r.getMessage());
    assertEquals("Bearer abc", ctx.request.headers.get("Authorization"));
  }

  @Test
  void valueWithLineBreakIsA400SoNoHeaderCanBeInjected() {
    ctx.request.query.add("name", "x\r\nX-Admin: true");
    Rejection r = rejection(policy("{\"request\": {\"set\": {\"X-Name\": \"${request.query.name}\"}}}").onRequest(ctx));
    assertEquals(400, r.status());
    assertTrue(r.getMessage().startsWith("request.query.name must not contain CR, LF"), r.getMessage());
    assertFalse(ctx.request.headers.contains("X-Name"));
    assertFalse(ctx.request.headers.contains("X-Admin"));
  }

  @Test
  void responseHeadersAreChangedAfterTheBackend() {
    ctx.principal = Principal.of("alice");
    ctx.header("X-Tenant", "acme");
    TestContext.Response response = ctx.answered(200);
    response.headers.add("Server", "backend/1.0").add("X-Cache", "HIT");
    Transformer policy = policy("""
        {"response": {"remove": ["Server"], "set": {"X-Cache": "MISS"}, "add": {"X-Served-For": "${principal.id}/${request.header.X-Tenant}"}}}""");
    assertSucceeded(policy.onResponse(ctx));
    assertFalse(response.headers.contains("Server"));
    assertEquals(List.of("MISS"), response.headers.getAll("X-Cache"));
    assertEquals("alice/acme", response.headers.get("X-Served-For"));
  }

  @Test
  void aSideWithNothingToDoLeavesItsHeadersAlone() {
    ctx.header("X-A", "1");
    TestContext.Response response = ctx.answered(200);
    response.headers.add("X-B", "2");
    Transformer responseOnly = policy("{\"response\": {\"remove\": [\"X-A\", \"X-B\"]}}");
    assertSucceeded(responseOnly.onRequest(ctx));
    assertEquals("1", ctx.request.headers.get("X-A"));
    Transformer requestOnly = policy("{\"request\": {\"remove\": [\"X-A\", \"X-B\"]}}");
    assertSucceeded(requestOnly.onResponse(ctx));
    assertEquals("2", response.headers.get("X-B"));
  }

  @Test
  void requestSideDoesNotTouchTheResponseNorTheOtherWayRound() {
    TestContext.Response response = ctx.answered(200);
    Transformer policy = policy("{\"request\": {\"set\": {\"X-Req\": \"1\"}}, \"response\": {\"set\": {\"X-Res\": \"2\"}}}");
    assertSucceeded(policy.onRequest(ctx));
    assertFalse(response.headers.contains("X-Req"));
    assertSucceeded(policy.onResponse(ctx));
    assertFalse(ctx.request.headers.contains("X-Res"));
    assertEquals("2", response.headers.get("X-Res"));
  }
}
