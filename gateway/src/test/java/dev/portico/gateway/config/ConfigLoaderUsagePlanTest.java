package dev.portico.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portico.spi.QuotaPeriod;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code usagePlans:}; key values are secrets and never appear in a problem. */
class ConfigLoaderUsagePlanTest {

  private static final Path BASE = Path.of("/etc/portico");

  private static LoadResult parse(String yaml, Map<String, String> env) {
    return TestPolicies.loader(env).parse(yaml, BASE);
  }

  private static List<String> problems(String yaml) {
    return parse(yaml, Map.of()).problems();
  }

  @Test
  void burstDefaultsToTheRateRoundedUpAndPeriodIsReadInAnyCase() {
    String yaml = """
        usagePlans:
          - name: silver
            throttle: { rate: 2.5 }
            quota: { limit: 1000, period: month }
            keys:
              - { id: k1, value: v1 }
          - name: free
        """;

    List<UsagePlan> plans = parse(yaml, Map.of()).config().usagePlans();

    assertEquals(new UsagePlan("silver", new UsagePlan.Throttle(2.5, 3), new UsagePlan.Quota(1000, QuotaPeriod.MONTH),
        List.of(new UsagePlan.Key("k1", "v1"))), plans.get(0));
    assertEquals(new UsagePlan("free", null, null, List.of()), plans.get(1));
  }

  @Test
  void throttleAndQuotaProblemsAreReported() {
    String yaml = """
        usagePlans:
          - name: a
            throttle: { burst: 10 }
            quota: { period: DAY }
          - name: b
            throttle: { rate: 0, burst: 1.5 }
            quota: { limit: -1, period: YEAR }
        """;

    assertEquals(List.of(
        "usagePlans[0].throttle.rate: is required",
        "usagePlans[0].quota.limit: is required",
        "usagePlans[1].throttle.rate: must be a positive number (was '0')",
        "usagePlans[1].throttle.burst: must be a whole number (was '1.5')",
        "usagePlans[1].quota.limit: must be a positive number (was '-1')",
        "usagePlans[1].quota.period: must be one of MINUTE, HOUR, DAY, WEEK, MONTH (was 'YEAR')"), problems(yaml));
  }

  @Test
  void planNamesAndKeyIdsAreUniqueAcrossPlans() {
    String yaml = """
        usagePlans:
          - name: gold
            keys: [ { id: partner-a, value: v1 } ]
          - name: gold
            keys: [ { id: partner-a, value: v2 }, { value: v3 }, { id: c } ]
        """;

    assertEquals(List.of(
        "usagePlans[1].name: duplicate usage plan name 'gold' (first at usagePlans[0])",
        "usagePlans[1].keys[0].id: duplicate key id 'partner-a' (first at usagePlans[0].keys[0])",
        "usagePlans[1].keys[1].id: is required",
        "usagePlans[1].keys[2].value: is required"), problems(yaml));
  }

  @Test
  void duplicateKeyValueIsReportedByIdWithoutTheValue() {
    String yaml = """
        usagePlans:
          - name: gold
            keys: [ { id: partner-a, value: "${env:KEY_A}" } ]
          - name: silver
            keys: [ { id: partner-b, value: "${env:KEY_B}" } ]
        """;

    LoadResult result = parse(yaml, Map.of("KEY_A", "same-s3cret", "KEY_B", "same-s3cret"));

    assertEquals(List.of("usagePlans[1].keys[0].value: key 'partner-b' has the same value as key 'partner-a'; every key needs its own value"),
        result.problems());
  }

  @Test
  void aSecretKeyValueNeverAppearsInAnyProblem() {
    String secret = "pk_live_7Hq2";
    String yaml = """
        usagePlans:
          - name: gold
            keys:
              - { id: a, value: "pk_live_7Hq2" }
              - { id: b, value: "pk_live_7Hq2", secret: "pk_live_7Hq2" }
              - { id: c, value: { nested: "pk_live_7Hq2" } }
              - { id: d, value: ["pk_live_7Hq2"] }
          - name: gold
            throttle: { rate: "pk_live_7Hq2" }
            keys:
              - { id: a, value: "pk_live_7Hq2" }
        admin: { token: "pk_live_7Hq2", port: "pk_live_7Hq2" }
        """;

    List<String> problems = problems(yaml);

    assertEquals(8, problems.size(), String.join("\n", problems));
    for (String problem : problems) {
      assertFalse(problem.contains(secret), problem);
    }
  }

  @Test
  void aSecretOnALineWithASyntaxErrorIsNotQuoted() {
    for (String yaml : List.of(
        "usagePlans:\n  - keys: [ { id: a, value: pk_live_7Hq2: x } ]\n",
        "usagePlans:\n  - keys:\n      - id: a\n        value: pk_live_7Hq2: oops\n",
        "usagePlans:\n  - keys:\n      - id: a\n        value: \"pk_live_7Hq2\n")) {
      LoadResult result = parse(yaml, Map.of());

      assertNull(result.config());
      assertEquals(1, result.problems().size());
      assertFalse(result.problems().get(0).contains("pk_live"), result.problems().get(0));
    }
  }
}
