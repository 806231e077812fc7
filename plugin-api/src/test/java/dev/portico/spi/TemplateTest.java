package dev.portico.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  private final TestContext ctx = new TestContext();

  private static Template parse(String text) {
    return Template.parse(text, false);
  }

  private static String parseError(String text, boolean allowBody) {
    return assertThrows(IllegalArgumentException.class, () -> Template.parse(text, allowBody)).getMessage();
  }

  private Rejection rejection(Runnable render) {
    return assertThrows(Rejection.class, render::run);
  }

  @Test
  void textWithoutPlaceholdersIsConstant() {
    Template t = parse("plain text");
    assertTrue(t.isConstant());
    assertEquals("plain text", t.render(ctx));
    assertFalse(parse("${requestId}").isConstant());
  }

  @Test
  void dollarNotFollowedByBraceIsPlainText() {
    assertEquals("costs $5, {not} a placeholder }", parse("costs $5, {not} a placeholder }").render(ctx));
    assertEquals("$", parse("$").render(ctx));
    assertEquals("a$req-1$", parse("a$${requestId}$").render(ctx));
  }

  @Test
  void placeholdersAreReplacedAmongText() {
    ctx.principal = Principal.of("alice", Map.of("tenant", "acme"));
    assertEquals("user=alice tenant=acme id=req-1", parse("user=${principal.id} tenant=${principal.tenant} id=${requestId}").render(ctx));
    assertEquals("alicereq-1", parse("${principal.id}${requestId}").render(ctx));
  }

  @Test
  void principalIdAlwaysWorks() {
    ctx.principal = Principal.of("partner-a");
    assertEquals("partner-a", parse("${principal.id}").render(ctx));
  }

  @Test
  void principalClaimNamesMayContainDotsAndColons() {
    ctx.principal = Principal.of("alice", Map.of("https://example.com/roles", "admin"));
    assertEquals("admin", parse("${principal.https://example.com/roles}").render(ctx));
  }

  @Test
  void requestHeaderNameIsCaseInsensitive() {
    ctx.header("X-Tenant", "acme");
    assertEquals("acme", parse("${request.header.x-tenant}").render(ctx));
    assertEquals("acme", parse("${request.header.X-TENANT}").render(ctx));
  }

  @Test
  void queryPathStageAndRequestIdAreRead() {
    ctx.query("page", "2");
    ctx.pathParams.put("id", "7");
    ctx.pathParams.put("proxy", "a/b");
    ctx.stageVariables.put("backend", "http://127.0.0.1:9000");
    ctx.requestId = "abc";
    assertEquals("http://127.0.0.1:9000/pets/7/a/b?page=2&r=abc",
        parse("${stage.backend}/pets/${request.path.id}/${request.path.proxy}?page=${request.query.page}&r=${requestId}").render(ctx));
  }

  @Test
  void missingValuesRenderAsEmptyText() {
    assertEquals("[][][][][]", parse("[${principal.email}][${request.header.X-None}][${request.query.q}][${request.path.id}][${stage.x}]").render(ctx));
  }

  @Test
  void requiredMissingValueIsABadRequestNamingIt() {
    Rejection r = rejection(() -> parse("tenant ${request.header.X-Tenant!}").render(ctx));
    assertEquals(400, r.status());
    assertEquals("request.header.X-Tenant is required", r.getMessage());
  }

  @Test
  void requiredEmptyValueCountsAsMissing() {
    ctx.header("X-Tenant", "");
    assertEquals("request.header.X-Tenant is required",
        rejection(() -> parse("${request.header.X-Tenant!}").render(ctx)).getMessage());
    assertEquals("principal.id is required", rejection(() -> parse("${principal.id!}").render(ctx)).getMessage());
  }

  @Test
  void requiredPresentValueRenders() {
    ctx.header("X-Tenant", "acme");
    assertEquals("acme", parse("${request.header.X-Tenant!}").render(ctx));
  }

  @Test
  void numbersBooleansAndJsonClaimsRenderAsJsonText() {
    ctx.principal = Principal.of("alice", Map.of(
        "age", 42, "admin", true, "scp", List.of("read", "write"), "address", Map.of("country", "FR")));
    assertEquals("42 true [\"read\",\"write\"] {\"country\":\"FR\"}",
        parse("${principal.age} ${principal.admin} ${principal.scp} ${principal.address}").render(ctx));
  }

  @Test
  void unknownNamespaceIsRefusedWithTheExpectedOnes() {
    String message = parseError("x ${princpal.id} y", false);
    assertTrue(message.startsWith("unknown namespace 'princpal' in '${princpal.id}'"), message);
    assertTrue(message.contains("principal.<claim>"), message);
    assertTrue(parseError("${request.cookie.session}", false).startsWith("unknown namespace 'request.cookie'"));
    assertTrue(parseError("${env:HOME}", false).startsWith("unknown namespace 'env:HOME'"));
    assertTrue(parseError("${requestId.x}", false).startsWith("unknown namespace 'requestId'"));
  }

  @Test
  void unclosedPlaceholderIsRefused() {
    assertEquals("unclosed placeholder '${request.header.X': missing '}'", parseError("a ${request.header.X", false));
  }

  @Test
  void emptyPlaceholderOrPathIsRefused() {
    assertTrue(parseError("${}", false).startsWith("empty placeholder '${}'"));
    assertTrue(parseError("${!}", false).startsWith("empty placeholder"));
    assertEquals("placeholder '${principal.}' has an empty path; expected ${principal.<name>}", parseError("${principal.}", false));
    assertTrue(parseError("${stage}", false).contains("has an empty path"));
    assertTrue(parseError("${request.header.!}", false).contains("has an empty path"));
  }

  @Test
  void malformedPlaceholderIsRefused() {
    assertTrue(parseError("${ principal.id }", false).contains("must not contain whitespace"));
    assertTrue(parseError("${a${b}}", false).contains("must not contain"));
    assertTrue(parseError("${stage.x!!}", false).contains("must not contain"));
  }

  @Test
  void bodyIsRefusedWhereTheCallerDoesNotAllowIt() {
    assertEquals("placeholder '${body.count}': ${body...} is only available in body templates", parseError("${body.count}", false));
    assertTrue(parseError("${body}", false).contains("only available in body templates"));
  }

  @Test
  void malformedBodyPathIsRefused() {
    assertTrue(parseError("${body.}", true).contains("empty name"));
    assertTrue(parseError("${body.a..b}", true).contains("empty name"));
    assertTrue(parseError("${body.pets[x]}", true).contains("an array index is a whole number"));
    assertTrue(parseError("${body.pets[1}", true).contains("'[' without ']'"));
    assertTrue(parseError("${body.pets[1]name}", true).contains("expected '.' or '['"));
    assertTrue(parseError("${body.a]}", true).contains("']' without '['"));
    assertTrue(parseError("${bodyx}", true).startsWith("unknown namespace 'bodyx'"));
  }

  @Test
  void bodyPathsFollowMembersAndArrayItems() {
    JsonObject body = new JsonObject()
        .put("count", 3)
        .put("pets", new JsonArray().add(new JsonObject().put("name", "rex")).add(new JsonObject()).add(new JsonObject().put("name", "tom")));
    assertEquals("tom", Template.parse("${body.pets[2].name}", true).render(ctx, body));
    assertEquals("rex and tom (3)", Template.parse("${body.pets[0].name} and ${body.pets[2].name} (${body.count})", true).render(ctx, body));
    assertEquals("", Template.parse("${body.pets[1].name}${body.pets[9].name}${body.count.x}${body.pets.name}", true).render(ctx, body));
    assertEquals("7", Template.parse("${body[1].id}", true).render(ctx, new JsonArray().add(1).add(new JsonObject().put("id", 7))));
  }

  @Test
  void bodyRendersAsMissingWithoutABody() {
    Template t = Template.parse("n=${body.count}", true);
    assertTrue(t.usesBody());
    assertEquals("n=", t.render(ctx));
    assertFalse(parse("${request.header.X}").usesBody());
  }

  @Test
  void singlePlaceholderKeepsTheJsonTypeOfItsValue() {
    JsonObject body = new JsonObject()
        .put("count", 3).put("ok", true).put("ratio", 2.5)
        .put("tags", new JsonArray().add("a")).put("owner", new JsonObject().put("id", 1));
    assertEquals(3, Template.parse("${body.count}", true).renderValue(ctx, body));
    assertEquals(true, Template.parse("${body.ok}", true).renderValue(ctx, body));
    assertEquals(2.5, Template.parse("${body.ratio}", true).renderValue(ctx, body));
    assertEquals(new JsonArray().add("a"), Template.parse("${body.tags}", true).renderValue(ctx, body));
    assertEquals(new JsonObject().put("id", 1), Template.parse("${body.owner}", true).renderValue(ctx, body));
    assertEquals(body, Template.parse("${body}", true).renderValue(ctx, body));
    assertNull(Template.parse("${body.none}", true).renderValue(ctx, body));
  }

  @Test
  void placeholderInsideLongerTextRendersAsText() {
    JsonObject body = new JsonObject().put("count", 3);
    assertEquals("count: 3", Template.parse("count: ${body.count}", true).renderValue(ctx, body));
    assertEquals("3 ", Template.parse("${body.count} ", true).renderValue(ctx, body));
    assertEquals("fixed", Template.parse("fixed", true).renderValue(ctx, body));
  }

  @Test
  void singleClaimPlaceholderKeepsItsJsonType() {
    ctx.principal = Principal.of("alice", Map.of("scp", List.of("read"), "address", Map.of("country", "FR"), "age", 42));
    assertEquals(new JsonArray().add("read"), parse("${principal.scp}").renderValue(ctx, null));
    assertEquals(new JsonObject().put("country", "FR"), parse("${principal.address}").renderValue(ctx, null));
    assertEquals(42, parse("${principal.age}").renderValue(ctx, null));
  }

  @Test
  void requiredBodyValueIsEnforcedForTypedValuesToo() {
    Rejection r = rejection(() -> Template.parse("${body.pets[0].name!}", true).renderValue(ctx, new JsonObject()));
    assertEquals("body.pets[0].name is required", r.getMessage());
  }

  @Test
  void headerValueWithCrOrLfIsABadRequestNamingThePlaceholder() {
    ctx.query("name", "x\r\nX-Injected: yes");
    Rejection r = rejection(() -> parse("Hello ${request.query.name}").renderHeaderValue(ctx));
    assertEquals(400, r.status());
    assertTrue(r.getMessage().startsWith("request.query.name must not contain CR, LF"), r.getMessage());
    ctx.stageVariables.put("v", "a\nb");
    rejection(() -> parse("${stage.v}").renderHeaderValue(ctx));
    ctx.stageVariables.put("nul", "a\u0000b");
    rejection(() -> parse("${stage.nul}").renderHeaderValue(ctx));
  }

  @Test
  void headerValueMayHoldTabsAndNonAsciiText() {
    ctx.stageVariables.put("v", "a\tb é");
    assertEquals("v=a\tb é", parse("v=${stage.v}").renderHeaderValue(ctx));
    assertEquals("constant", parse("constant").renderHeaderValue(ctx));
  }

  @Test
  void headerTemplateWhoseOwnTextHoldsLfIsAConfigurationBug() {
    assertThrows(IllegalStateException.class, () -> parse("a\nb").renderHeaderValue(ctx));
  }

  @Test
  void templatesWrittenTheSameAreEqual() {
    assertEquals(parse("${principal.id}"), parse("${principal.id}"));
    assertEquals(parse("a").hashCode(), parse("a").hashCode());
    assertFalse(parse("a").equals(parse("b")));
    assertEquals("x ${requestId}", parse("x ${requestId}").text());
  }

  @Test
  void isSinglePlaceholderOnlyWhenNothingElseIsWritten() {
    assertTrue(parse("${requestId}").isSinglePlaceholder());
    assertFalse(parse(" ${requestId}").isSinglePlaceholder());
    assertFalse(parse("${requestId}${requestId}").isSinglePlaceholder());
    assertFalse(parse("x").isSinglePlaceholder());
  }
}
