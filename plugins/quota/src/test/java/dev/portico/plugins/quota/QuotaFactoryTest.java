package dev.portico.plugins.quota;

import dev.portico.spi.Per;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.QuotaPeriod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Reading the {@code quota} configuration: defaults, and every problem with its path. */
class QuotaFactoryTest {

  private static final String PATH = "apis[1].policies[0].quota";

  private final List<String> problems = new ArrayList<>();

  private QuotaConfig parse(String json) {
    ConfigReader reader = new ConfigReader(new JsonObject(json), PATH, problems);
    QuotaConfig config = new QuotaFactory().parse(reader);
    reader.finish();
    return config;
  }

  @Test
  void isFoundByServiceLoaderAsTheQuotaThrottler() {
    List<PolicyFactory<?>> found = new ArrayList<>();
    for (PolicyFactory<?> factory : ServiceLoader.load(PolicyFactory.class)) {
      if (factory.name().equals("quota")) {
        found.add(factory);
      }
    }
    assertEquals(1, found.size());
    assertEquals(PolicyKind.THROTTLER, found.get(0).kind());
  }

  @Test
  void readsLimitPeriodAndPer() {
    QuotaConfig c = parse("{\"limit\": 1000, \"period\": \"WEEK\", \"per\": \"header:X-Api-Client\"}");
    assertEquals(List.of(), problems);
    assertEquals(1000, c.limit());
    assertEquals(QuotaPeriod.WEEK, c.period());
    assertEquals(Per.Kind.HEADER, c.per().kind());
    assertEquals("X-Api-Client", c.per().header());
  }

  @Test
  void countsPerRouteByDefaultAndReadsThePeriodInAnyCase() {
    QuotaConfig c = parse("{\"limit\": 5, \"period\": \"month\"}");
    assertEquals(List.of(), problems);
    assertEquals(QuotaPeriod.MONTH, c.period());
    assertEquals(Per.ROUTE, c.per());
  }

  @Test
  void limitAndPeriodAreRequired() {
    parse("{}");
    assertEquals(List.of(
        PATH + ".limit: is required (requests per period)",
        PATH + ".period: is required, one of MINUTE, HOUR, DAY, WEEK, MONTH"), problems);
  }

  @Test
  void everyBadValueIsReportedWithItsKey() {
    parse("{\"limit\": 0, \"period\": \"FORTNIGHT\", \"per\": \"session\", \"strict\": true}");
    assertEquals(List.of(
        PATH + ".limit: must be a positive number (was '0')",
        PATH + ".period: must be one of MINUTE, HOUR, DAY, WEEK, MONTH (was 'FORTNIGHT')",
        PATH + ".per: must be one of route, principal, ip, header:<Name> (was 'session')",
        PATH + ".strict: unknown key"), problems);
  }
}
