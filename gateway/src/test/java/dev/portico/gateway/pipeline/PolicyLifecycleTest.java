package dev.portico.gateway.pipeline;

import static dev.portico.gateway.pipeline.Wire.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.portico.gateway.pipeline.ScriptedPolicies.CountedTransformer;
import dev.portico.gateway.pipeline.ScriptedPolicies.Journal;
import dev.portico.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Policy instances (docs/CONFIGURATION.md): one per distinct configuration, shared by every route and
 * stage that carries it, closed when the gateway drains.
 */
class PolicyLifecycleTest {

  private static final String YAML = """
      apis:
        - name: life
          basePath: /life
          stages:
            $default: { variables: {} }
            beta: { variables: {} }
          routes:
            - path: /a
              integration: { type: mock, status: 200, body: a }
              policies:
                - instance: { label: shared }
            - path: /b
              integration: { type: mock, status: 200, body: b }
              policies:
                - instance: { label: shared }
            - path: /c
              integration: { type: mock, status: 200, body: c }
              policies:
                - instance: { label: other }
      """;

  private static String instanceServing(TestGateway gw, String path) {
    HttpResponse<String> response = get(gw, path);
    assertEquals(200, response.statusCode(), response::body);
    return response.headers().firstValue("X-Instance").orElseThrow();
  }

  @Test
  void theSameConfigurationOnTwoRoutesAndStagesSharesOneInstanceAndADifferentOneGetsAnother() {
    Journal journal = new Journal();
    CountedTransformer factory = new CountedTransformer(journal);
    try (TestGateway gw = TestGateway.start(YAML, factory)) {
      String a = instanceServing(gw, "/life/a");

      assertEquals(a, instanceServing(gw, "/life/b"));
      assertEquals(a, instanceServing(gw, "/beta/life/a"));
      assertEquals(a, instanceServing(gw, "/beta/life/b"));
      String c = instanceServing(gw, "/life/c");
      assertNotEquals(a, c);
      assertEquals(c, instanceServing(gw, "/beta/life/c"));
      assertEquals(2, factory.instances.size(), factory.instances::toString);
    }
  }

  @Test
  void instancesAreClosedOnceWhenTheGatewayDrainsAndNotBefore() {
    Journal journal = new Journal();
    CountedTransformer factory = new CountedTransformer(journal);
    TestGateway gw = TestGateway.start(YAML, factory);
    try {
      instanceServing(gw, "/life/a");
      instanceServing(gw, "/life/c");
      assertEquals(List.of(), journal.events().stream().filter(e -> e.startsWith("close:")).toList());
    } finally {
      gw.close();
    }

    assertEquals(2, factory.instances.size(), factory.instances::toString);
    for (String instance : factory.instances) {
      assertEquals(1, journal.count("close:" + instance), journal.events()::toString);
    }
  }
}
