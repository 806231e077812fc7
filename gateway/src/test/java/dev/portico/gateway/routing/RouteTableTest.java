package dev.portico.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static RouteTable.Builder<String> routes() {
    return RouteTable.builder();
  }

  private static RouteTable.Builder<String> route(RouteTable.Builder<String> b, String methods, String path) {
    Set<String> set = methods.equals("ANY") ? Set.of() : Set.of(methods.split(","));
    return b.add(PathTemplate.parse(path), set, methods + " " + path);
  }

  private static RouteMatch.Found<String> found(RouteTable<String> table, String method, String path) {
    RouteMatch<String> m = table.match(method, path);
    return assertInstanceOf(RouteMatch.Found.class, m, () -> method + " " + path + " -> " + m);
  }

  private static RouteMatch.MethodNotAllowed<String> notAllowed(RouteTable<String> table, String method, String path) {
    RouteMatch<String> m = table.match(method, path);
    return assertInstanceOf(RouteMatch.MethodNotAllowed.class, m, () -> method + " " + path + " -> " + m);
  }

  private static void assertNotFound(RouteTable<String> table, String method, String path) {
    RouteMatch<String> m = table.match(method, path);
    assertInstanceOf(RouteMatch.NotFound.class, m, () -> method + " " + path + " -> " + m);
  }

  @Test
  void literalSegmentBeatsParameter() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/{id}"), "GET", "/pets/mine").build();
    assertEquals("GET /pets/mine", found(t, "GET", "/pets/mine").target());
    assertEquals("GET /pets/{id}", found(t, "GET", "/pets/7").target());
  }

  @Test
  void parameterBeatsGreedy() {
    RouteTable<String> t = route(route(routes(), "GET", "/files/{proxy+}"), "GET", "/files/{name}").build();
    RouteMatch.Found<String> one = found(t, "GET", "/files/a");
    assertEquals("GET /files/{name}", one.target());
    assertEquals(Map.of("name", "a"), one.pathParams());
    assertEquals("GET /files/{proxy+}", found(t, "GET", "/files/a/b").target());
  }

  @Test
  void backtracksWhenTheLiteralBranchLeadsToNoRoute() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/mine"), "GET", "/pets/{id}/photos").build();
    RouteMatch.Found<String> m = found(t, "GET", "/pets/mine/photos");
    assertEquals("GET /pets/{id}/photos", m.target());
    assertEquals(Map.of("id", "mine"), m.pathParams());
  }

  @Test
  void backtracksFromParameterToGreedy() {
    RouteTable<String> t = route(route(routes(), "GET", "/a/{x}/c"), "GET", "/a/{rest+}").build();
    assertEquals(Map.of("x", "b"), found(t, "GET", "/a/b/c").pathParams());
    assertEquals(Map.of("rest", "b/d"), found(t, "GET", "/a/b/d").pathParams());
  }

  @Test
  void routeThatRejectsTheMethodYieldsToALessSpecificRouteThatAcceptsIt() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/mine"), "DELETE", "/pets/{id}").build();
    RouteMatch.Found<String> m = found(t, "DELETE", "/pets/mine");
    assertEquals("DELETE /pets/{id}", m.target());
    assertEquals(Map.of("id", "mine"), m.pathParams());
    assertEquals("GET /pets/mine", found(t, "GET", "/pets/mine").target());
  }

  @Test
  void greedyParameterHoldsTheRestOfThePathWithoutLeadingSlash() {
    RouteTable<String> t = route(routes(), "GET", "/files/{proxy+}").build();
    assertEquals(Map.of("proxy", "a"), found(t, "GET", "/files/a").pathParams());
    assertEquals(Map.of("proxy", "a/b/c.txt"), found(t, "GET", "/files/a/b/c.txt").pathParams());
  }

  @Test
  void greedyParameterNeedsAtLeastOneSegment() {
    RouteTable<String> t = route(routes(), "GET", "/files/{proxy+}").build();
    assertNotFound(t, "GET", "/files");
    assertNotFound(t, "GET", "/files/");
  }

  @Test
  void greedyParameterAtTheRootMatchesEveryPathButTheRoot() {
    RouteTable<String> t = route(routes(), "ANY", "/{proxy+}").build();
    assertEquals(Map.of("proxy", "x/y"), found(t, "POST", "/x/y").pathParams());
    assertNotFound(t, "GET", "/");
  }

  @Test
  void parametersAreNamedPerRoute() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/{id}"), "DELETE", "/pets/{petId}").build();
    assertEquals(Map.of("id", "7"), found(t, "GET", "/pets/7").pathParams());
    assertEquals(Map.of("petId", "7"), found(t, "DELETE", "/pets/7").pathParams());
  }

  @Test
  void severalParametersAreBoundInOrder() {
    RouteTable<String> t = route(routes(), "GET", "/t/{tenant}/pets/{id}/files/{rest+}").build();
    Map<String, String> params = found(t, "GET", "/t/acme/pets/7/files/x/y").pathParams();
    assertEquals(Map.of("tenant", "acme", "id", "7", "rest", "x/y"), params);
    assertEquals("acme", params.get("tenant"));
    assertEquals(3, params.size());
  }

  @Test
  void parameterValuesStayPercentEncoded() {
    RouteTable<String> t = route(routes(), "GET", "/files/{name}").build();
    assertEquals(Map.of("name", "a%2Fb%20c"), found(t, "GET", "/files/a%2Fb%20c").pathParams());
  }

  @Test
  void emptySegmentMatchesNoParameter() {
    RouteTable<String> t = route(routes(), "GET", "/pets/{id}/photos").build();
    assertNotFound(t, "GET", "/pets//photos");
  }

  @Test
  void pathWithNoMatchingShapeIsNotFound() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/{id}"), "GET", "/pets").build();
    assertNotFound(t, "GET", "/toys");
    assertNotFound(t, "GET", "/pets/7/photos");
    assertNotFound(t, "GET", "/");
    assertNotFound(t, "GET", "");
    assertNotFound(t, "OPTIONS", "*");
  }

  @Test
  void pathMatchingOnlyRoutesOfOtherMethodsIsMethodNotAllowedWithTheirMethods() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/{id}"), "DELETE,PUT", "/pets/{petId}").build();
    RouteMatch.MethodNotAllowed<String> m = notAllowed(t, "POST", "/pets/7");
    assertEquals("DELETE, GET, HEAD, PUT", m.allowHeader());
  }

  @Test
  void allowListsTheMethodsOfEveryShapeThatMatchesThePath() {
    RouteTable<String> t = route(route(routes(), "GET", "/pets/mine"), "DELETE", "/pets/{id}").build();
    assertEquals(Set.of("GET", "HEAD", "DELETE"), notAllowed(t, "POST", "/pets/mine").allowedMethods());
    assertEquals(Set.of("DELETE"), notAllowed(t, "POST", "/pets/7").allowedMethods());
  }

  @Test
  void methodNotAllowedOnlyWhenTheWholePathMatches() {
    RouteTable<String> t = route(routes(), "GET", "/pets/{id}/photos").build();
    notAllowed(t, "POST", "/pets/7/photos");
    assertNotFound(t, "POST", "/pets/7");
  }

  @Test
  void headIsServedByTheGetRouteUnlessAHeadRouteExists() {
    RouteTable<String> t = route(route(routes(), "GET", "/a"), "GET", "/b").build();
    assertEquals("GET /a", found(t, "HEAD", "/a").target());
    t = route(route(routes(), "GET", "/a"), "HEAD", "/a").build();
    assertEquals("HEAD /a", found(t, "HEAD", "/a").target());
    assertEquals("GET /a", found(t, "GET", "/a").target());
  }

  @Test
  void headDoesNotMakeAHeadOnlyRouteServeGet() {
    RouteTable<String> t = route(routes(), "HEAD", "/a").build();
    assertEquals(Set.of("HEAD"), notAllowed(t, "GET", "/a").allowedMethods());
  }

  @Test
  void routeWithoutMethodsAcceptsAnyMethod() {
    RouteTable<String> t = route(routes(), "ANY", "/pets/{id}").build();
    for (String method : new String[] {"GET", "HEAD", "POST", "DELETE", "PATCH", "OPTIONS", "PURGE"}) {
      assertEquals("ANY /pets/{id}", found(t, method, "/pets/7").target());
    }
  }

  @Test
  void methodsAreMatchedCaseSensitivelyAgainstUpperCasedRouteMethods() {
    RouteTable<String> t = RouteTable.<String>builder().add(PathTemplate.parse("/a"), Set.of("get"), "a").build();
    assertEquals("a", found(t, "GET", "/a").target());
    notAllowed(t, "get", "/a");
  }

  @Test
  void trailingSlashIsIgnored() {
    RouteTable<String> t = route(route(route(routes(), "GET", "/pets"), "GET", "/pets/{id}"), "GET", "/files/{p+}").build();
    assertEquals("GET /pets", found(t, "GET", "/pets/").target());
    assertEquals(Map.of("id", "7"), found(t, "GET", "/pets/7/").pathParams());
    assertEquals(Map.of("p", "a/b"), found(t, "GET", "/files/a/b/").pathParams());
  }

  @Test
  void rootPathMatchesTheRootRouteOnly() {
    RouteTable<String> t = route(route(routes(), "GET", "/"), "GET", "/{id}").build();
    RouteMatch.Found<String> root = found(t, "GET", "/");
    assertEquals("GET /", root.target());
    assertTrue(root.pathParams().isEmpty());
    assertEquals(Map.of("id", "x"), found(t, "GET", "/x").pathParams());
  }

  @Test
  void sameShapeWithOverlappingMethodsIsRejected() {
    RouteTable.Builder<String> b = route(routes(), "GET,POST", "/pets/{id}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> route(b, "POST", "/pets/{petId}"));
    assertTrue(e.getMessage().contains("/pets/{id}"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> route(b, "ANY", "/pets/{x}"));
    route(b, "DELETE", "/pets/{petId}");   // disjoint methods: fine
  }

  @Test
  void routeForAnyMethodOverlapsEveryRouteOfItsShape() {
    RouteTable.Builder<String> b = route(routes(), "ANY", "/pets/{id}");
    assertThrows(IllegalArgumentException.class, () -> route(b, "DELETE", "/pets/{petId}"));
  }

  @Test
  void manyRoutesAreEachFoundWithTheirParameters() {
    RouteTable.Builder<String> b = routes();
    int apis = 500;
    for (int i = 0; i < apis; i++) {
      route(b, "GET", "/api" + i + "/items/{id}");
      route(b, "PUT,DELETE", "/api" + i + "/items/{itemId}");
      route(b, "GET", "/api" + i + "/items/{id}/tags/{tag}");
      route(b, "ANY", "/api" + i + "/proxy/{proxy+}");
    }
    RouteTable<String> t = b.build();
    assertEquals(apis * 4, t.size());
    for (int i = 0; i < apis; i++) {
      RouteMatch.Found<String> get = found(t, "GET", "/api" + i + "/items/" + i);
      assertEquals("GET /api" + i + "/items/{id}", get.target());
      assertEquals(Map.of("id", String.valueOf(i)), get.pathParams());
      assertEquals(Map.of("itemId", "x"), found(t, "DELETE", "/api" + i + "/items/x").pathParams());
      assertEquals(Map.of("id", "x", "tag", "t" + i), found(t, "GET", "/api" + i + "/items/x/tags/t" + i).pathParams());
      assertEquals(Map.of("proxy", "a/b"), found(t, "PATCH", "/api" + i + "/proxy/a/b").pathParams());
      assertEquals("DELETE, GET, HEAD, PUT", notAllowed(t, "POST", "/api" + i + "/items/x").allowHeader());
    }
    assertNotFound(t, "GET", "/api" + apis + "/items/1");
  }

  @Test
  void aMissAllocatesNothing() {
    RouteTable.Builder<String> b = routes();
    for (int i = 0; i < 100; i++) {
      route(b, "GET", "/api" + i + "/items/{id}/tags/{tag}");
      route(b, "GET", "/api" + i + "/files/{p+}");
    }
    RouteTable<String> t = b.build();
    String[] misses = {"/api7/items/1/colours", "/nope/items", "/api3", "/api5/files", "/api1/items/1/tags/x/y"};
    for (int i = 0; i < 20_000; i++) {
      t.match("GET", misses[i % misses.length]);   // warm up
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    RouteMatch<String> last = null;
    for (int i = 0; i < 100_000; i++) {
      last = t.match("GET", misses[i % misses.length]);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertSame(RouteMatch.notFound(), last);
    assertTrue(allocated < 64 * 1024, "100k misses allocated " + allocated + " bytes");
  }
}
