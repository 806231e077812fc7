package dev.portico.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigReaderHeaderNameTest {

  private static final String PATH = "apis[0].policies[0].p";

  private final List<String> problems = new ArrayList<>();

  private ConfigReader reader(String json) {
    return new ConfigReader(new JsonObject(json), PATH, problems);
  }

  @Test
  void aTokenIsReadAsWritten() {
    assertEquals("X-Tenant_Id.v2~!#$%&'*+^`|", reader("{\"header\": \"X-Tenant_Id.v2~!#$%&'*+^`|\"}").headerName("header", "X-Default"));
    assertEquals(List.of(), problems);
  }

  @Test
  void anAbsentKeyReadsAsTheDefault() {
    assertEquals("X-Default", reader("{}").headerName("header", "X-Default"));
    assertEquals(List.of(), problems);
  }

  @Test
  void aNameThatIsNoTokenIsReportedAtItsKeyAndTheDefaultReturned() {
    ConfigReader config = reader("{\"a\": \"X API Key\", \"b\": \"X:Y\", \"c\": \"\", \"d\": \"Caf\u00e9\"}");

    assertEquals("X-Default", config.headerName("a", "X-Default"));
    assertEquals("X-Default", config.headerName("b", "X-Default"));
    assertEquals("X-Default", config.headerName("c", "X-Default"));
    assertEquals("X-Default", config.headerName("d", "X-Default"));
    String rule = " is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)";
    assertEquals(List.of(
        PATH + ".a: 'X API Key'" + rule,
        PATH + ".b: 'X:Y'" + rule,
        PATH + ".c: ''" + rule,
        PATH + ".d: 'Caf\u00e9'" + rule), problems);
  }

  @Test
  void aNameInsideAValueIsReportedAtThePathTheCallerGives() {
    ConfigReader config = reader("{}");

    assertTrue(config.checkHeaderName("remove[0]", "X-Ok"));
    assertFalse(config.checkHeaderName("remove[1]", "bad name"));
    assertEquals(List.of(PATH + ".remove[1]: 'bad name' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"), problems);
  }

  @Test
  void aTokenIsOneOrMoreTchars() {
    assertTrue(ConfigReader.isToken("GET"));
    assertTrue(ConfigReader.isToken("x"));
    assertFalse(ConfigReader.isToken(""));
    assertFalse(ConfigReader.isToken("X\tY"));
    assertFalse(ConfigReader.isToken("X(Y)"));
    assertFalse(ConfigReader.isToken("\"X\""));
  }
}
