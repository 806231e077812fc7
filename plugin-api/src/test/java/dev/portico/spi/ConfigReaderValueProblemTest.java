package dev.portico.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the value getters accept, and that each problem echoes the value written unless its key is secret. */
class ConfigReaderValueProblemTest {

  private static final String PATH = "p";

  private final List<String> problems = new ArrayList<>();

  private ConfigReader reader(String json) {
    return new ConfigReader(new JsonObject(json), PATH, problems);
  }

  @Test
  void booleansAreTrueOrFalseAndTheirStrings() {
    ConfigReader config = reader("{\"a\": true, \"b\": false, \"c\": \"true\", \"d\": \"false\"}");

    assertTrue(config.bool("a", false));
    assertFalse(config.bool("b", true));
    assertTrue(config.bool("c", false));
    assertFalse(config.bool("d", true));
    assertEquals(List.of(), problems);
  }

  @Test
  void otherBooleanSpellingsAreRefusedWithTheValueWritten() {
    // What the YAML reader hands over for yes, on, True... is the text written (see the gateway's YamlTreeReader).
    ConfigReader config = reader("{\"a\": \"yes\", \"b\": \"on\", \"c\": \"True\", \"d\": 1}");

    assertTrue(config.bool("a", true));
    assertFalse(config.bool("b", false));
    config.bool("c", true);
    config.bool("d", true);
    assertEquals(List.of(
        "p.a: must be true or false (was 'yes')",
        "p.b: must be true or false (was 'on')",
        "p.c: must be true or false (was 'True')",
        "p.d: must be true or false (was '1')"), problems);
  }

  @Test
  void everyValueProblemEchoesTheValue() {
    ConfigReader config = reader("""
        {"n": "many", "pn": -2.5, "i": 1.5, "pl": 0, "port": 70000, "d": "5 seconds", "s": "8 kilobytes", "o": "MAYBE"}
        """);

    assertEquals(1.0, config.number("n", 1.0));
    assertEquals(2.0, config.positiveNumber("pn", 2.0));
    assertEquals(3, config.integer("i", 3));
    assertEquals(4, config.positiveLong("pl", 4));
    assertEquals(80, config.port("port", 80));
    assertEquals(Duration.ofSeconds(1), config.duration("d", Duration.ofSeconds(1)));
    assertEquals(5, config.size("s", 5));
    assertEquals("a", config.oneOf("o", "a", "a", "b"));
    assertEquals(List.of(
        "p.n: must be a number (was 'many')",
        "p.pn: must be a positive number (was '-2.5')",
        "p.i: must be a whole number (was '1.5')",
        "p.pl: must be a positive number (was '0')",
        "p.port: must be a port number (0-65535) (was '70000')",
        "p.d: must be a duration such as 250ms, 5s or 1m (was '5 seconds')",
        "p.s: must be a size such as 8KB or 10MB (was '8 kilobytes')",
        "p.o: must be one of a, b (was 'MAYBE')"), problems);
  }

  @Test
  void oneMistakeIsOneProblem() {
    ConfigReader config = reader("{\"pn\": \"lots\", \"pl\": \"lots\", \"port\": \"http\"}");

    config.positiveNumber("pn", 0);
    config.positiveLong("pl", 0);
    config.port("port", 0);
    assertEquals(List.of(
        "p.pn: must be a number (was 'lots')",
        "p.pl: must be a whole number (was 'lots')",
        "p.port: must be a whole number (was 'http')"), problems);
  }

  @Test
  void anAbsentRequiredNumberEchoesNothing() {
    reader("{}").positiveLong("rate", 0);

    assertEquals(List.of("p.rate: must be a positive number"), problems);
  }

  @Test
  void aSecretKeysValueIsRedacted() {
    JsonObject json = new JsonObject("{\"secret\": \"hunter2\", \"ttl\": \"hunter3\", \"vault\": {\"size\": \"hunter4\"}}");
    ConfigReader config = new ConfigReader(json, PATH, problems, null, Set.of("secret", "vault"));

    config.oneOf("secret", "a", "a", "b");
    config.duration("ttl", Duration.ZERO);
    config.object("vault").size("size", 0);
    assertEquals(List.of(
        "p.secret: must be one of a, b (was REDACTED)",
        "p.ttl: must be a duration such as 250ms, 5s or 1m (was 'hunter3')",
        "p.vault.size: must be a size such as 8KB or 10MB (was REDACTED)"), problems);
  }
}
