package dev.portico.plugins.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Reading the {@code headers} configuration: what is accepted, and every problem with its path. */
class HeadersFactoryTest {

  private static final String PATH = "apis[0].routes[1].policies[2].headers";

  private final List<String> problems = new ArrayList<>();

  private HeadersConfig parse(String json) {
    ConfigReader reader = new ConfigReader(new JsonObject(json), PATH, problems);
    HeadersConfig config = new HeadersFactory().parse(reader);
    reader.finish();   // as the gateway does after parse
    return config;
  }

  @Test
  void isFoundByServiceLoaderAsTheHeadersTransformer() {
    List<PolicyFactory<?>> found = new ArrayList<>();
    for (PolicyFactory<?> factory : ServiceLoader.load(PolicyFactory.class)) {
      if (factory.name().equals("headers")) {
        found.add(factory);
      }
    }
    assertEquals(1, found.size());
    assertTrue(found.get(0) instanceof HeadersFactory);
    assertEquals(PolicyKind.TRANSFORMER, found.get(0).kind());
  }

  @Test
  void readsRemoveSetAndAddOfBothSides() {
    HeadersConfig config = parse("""
        {"request": {"remove": ["Authorization"], "set": {"X-User": "${principal.id}"}, "add": {"Via": "portico"}},
         "response": {"set": {"X-Served-By": "portico"}}}""");
    assertEquals(List.of(), problems);
    assertEquals(List.of("Authorization"), config.request().remove());
    assertEquals("X-User", config.request().set().get(0).name());
    assertEquals("${principal.id}", config.request().set().get(0).value().text());
    assertEquals("Via", config.request().add().get(0).name());
    assertEquals("X-Served-By", config.response().set().get(0).name());
    assertTrue(config.response().remove().isEmpty());
  }

  @Test
  void singleNameToRemoveReadsAsAList() {
    assertEquals(List.of("Cookie"), parse("{\"request\": {\"remove\": \"Cookie\"}}").request().remove());
  }

  @Test
  void absentSideHasNothingToDo() {
    HeadersConfig config = parse("{\"response\": {\"add\": {\"X-A\": \"1\"}}}");
    assertTrue(config.request().isEmpty());
    assertTrue(parse("{}").response().isEmpty());
    assertEquals(List.of(), problems);
  }

  @Test
  void unknownKeysAreReportedAtEveryLevel() {
    parse("{\"requests\": {}, \"request\": {\"sett\": {\"X-A\": \"1\"}}}");
    assertEquals(List.of(PATH + ".request.sett: unknown key", PATH + ".requests: unknown key"), problems);
  }

  @Test
  void templateErrorsAreReportedWithTheHeaderTheyBelongTo() {
    parse("{\"request\": {\"set\": {\"X-User\": \"${princpal.id}\"}, \"add\": {\"X-T\": \"${request.header.X\"}}}");
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith(PATH + ".request.set.X-User: unknown namespace 'princpal'"), problems.get(0));
    assertTrue(problems.get(1).startsWith(PATH + ".request.add.X-T: unclosed placeholder"), problems.get(1));
  }

  @Test
  void bodyPlaceholdersAreNotAvailable() {
    parse("{\"response\": {\"set\": {\"X-Count\": \"${body.count}\"}}}");
    assertEquals(List.of(PATH + ".response.set.X-Count: placeholder '${body.count}': ${body...} is only available in body templates"), problems);
  }

  @Test
  void invalidHeaderNamesAreReported() {
    parse("{\"request\": {\"set\": {\"X Bad\": \"1\", \"\": \"2\"}, \"remove\": [\"ok\", \"bad:name\"]}}");
    assertEquals(List.of(
        PATH + ".request.remove[1]: 'bad:name' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
        PATH + ".request.set.X Bad: 'X Bad' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
        PATH + ".request.set.: a header name must not be empty"), problems);
  }

  @Test
  void framingAndHopByHopHeadersCannotBeChanged() {
    parse("{\"response\": {\"set\": {\"Content-Length\": \"0\"}, \"add\": {\"connection\": \"close\"}, \"remove\": [\"Transfer-Encoding\"]}}");
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.stream().allMatch(p -> p.endsWith("is managed by the gateway and cannot be changed")), problems.toString());
  }

  @Test
  void valuesWithLineBreaksAreReported() {
    parse("{\"request\": {\"set\": {\"X-A\": \"a\\r\\nX-Evil: 1\"}}}");
    assertEquals(List.of(PATH + ".request.set.X-A: must not contain CR, LF or other control characters"), problems);
  }

  @Test
  void aNameSetTwiceIgnoringCaseIsReported() {
    parse("{\"request\": {\"set\": {\"X-A\": \"1\", \"x-a\": \"2\"}}}");
    assertEquals(List.of(PATH + ".request.set.x-a: appears twice (header names are case-insensitive)"), problems);
  }

  @Test
  void wrongTypesAreReported() {
    parse("{\"request\": \"X-A\", \"response\": {\"set\": [\"X-A\"], \"remove\": {\"X-B\": true}}}");
    assertEquals(List.of(
        PATH + ".request: must be a map",
        PATH + ".response.remove: must be a list of strings",
        PATH + ".response.set: must be a map"), problems);
  }
}
