package dev.portico.plugins.ratelimit;

import dev.portico.spi.Per;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Reading the {@code rate-limit} configuration: defaults, and every problem with its path. */
class RateLimitFactoryTest {

  private static final String PATH = "apis[0].routes[2].policies[0].rate-limit";

  private final List<String> problems = new ArrayList<>();

  private RateLimitConfig parse(String json) {
    ConfigReader reader = new ConfigReader(new JsonObject(json), PATH, problems);
    RateLimitConfig config = new RateLimitFactory().parse(reader);
    reader.finish();   // as the gateway does after parse
    return config;
  }

  @Test
  void isFoundByServiceLoaderAsTheRateLimitThrottler() {
    List<PolicyFactory<?>> found = new ArrayList<>();
    for (PolicyFactory<?> factory : ServiceLoader.load(PolicyFactory.class)) {
      if (factory.name().equals("rate-limit")) {
        found.add(factory);
      }
    }
    assertEquals(1, found.size());
    assertEquals(PolicyKind.THROTTLER, found.get(0).kind());
  }

  @Test
  void readsRateBurstPerAndStrict() {
    RateLimitConfig c = parse("{\"rate\": 100, \"burst\": 200, \"per\": \"principal\", \"strict\": false}");
    assertEquals(List.of(), problems);
    assertEquals(100.0, c.rate());
    assertEquals(200, c.burst());
    assertEquals(Per.Kind.PRINCIPAL, c.per().kind());
    assertFalse(c.strict());
  }

  @Test
  void defaultsToPerRouteStrictAndABurstOfTheRateRoundedUp() {
    RateLimitConfig c = parse("{\"rate\": 2.5}");
    assertEquals(List.of(), problems);
    assertEquals(3, c.burst());
    assertEquals(Per.ROUTE, c.per());
    assertTrue(c.strict());
    assertEquals(1, parse("{\"rate\": 0.1}").burst(), "a bucket holds at least one token");
  }

  @Test
  void readsPerHeaderWithItsName() {
    RateLimitConfig c = parse("{\"rate\": 1, \"per\": \"header:X-Tenant\"}");
    assertEquals(List.of(), problems);
    assertEquals(Per.Kind.HEADER, c.per().kind());
    assertEquals("X-Tenant", c.per().header());
    assertEquals(Per.Kind.IP, parse("{\"rate\": 1, \"per\": \"ip\"}").per().kind());
  }

  @Test
  void aMissingRateIsRequired() {
    parse("{\"burst\": 5}");
    assertEquals(List.of(PATH + ".rate: is required (requests per second)"), problems);
  }

  @Test
  void everyBadValueIsReportedWithItsKey() {
    parse("{\"rate\": -1, \"burst\": 0, \"per\": \"user\", \"strict\": \"maybe\", \"window\": \"1m\"}");
    assertTrue(problems.contains(PATH + ".rate: must be a positive number (was '-1')"), problems::toString);
    assertTrue(problems.contains(PATH + ".burst: must be a positive number (was '0')"), problems::toString);
    assertTrue(problems.contains(PATH + ".per: must be one of route, principal, ip, header:<Name> (was 'user')"),
        problems::toString);
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(PATH + ".strict: ")), problems::toString);
    assertTrue(problems.contains(PATH + ".window: unknown key"), problems::toString);
    assertEquals(5, problems.size(), problems::toString);
  }

  @Test
  void aBurstMustBeAWholeNumberAndAHeaderNameValid() {
    parse("{\"rate\": 1, \"burst\": 2.5, \"per\": \"header:X Tenant\"}");
    assertEquals(List.of(
        PATH + ".burst: must be a whole number (was '2.5')",
        PATH + ".per: 'X Tenant' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"), problems);
  }
}
