package dev.portico.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The JSON strings of the gateway's errors and of the access log: valid JSON, and no control
 * character written raw, DEL and C1 included, so a request's bytes cannot drive the terminal that
 * shows the log.
 */
class GatewayErrorTest {

  @Test
  void quotedStringsEscapeEveryControlCharacter() {
    for (char c = 0; c <= 0x9f; c++) {
      if (c >= 0x20 && c < 0x7f) {
        continue;
      }
      StringBuilder sb = new StringBuilder();
      GatewayError.quote(sb, "a" + c + "b");
      String json = sb.toString();
      String expected = switch (c) {
        case '\n' -> "\"a\\nb\"";
        case '\r' -> "\"a\\rb\"";
        case '\t' -> "\"a\\tb\"";
        default -> String.format("\"a\\u%04xb\"", (int) c);
      };
      assertEquals(expected, json);
      assertEquals("a" + c + "b", new JsonObject("{\"v\":" + json + "}").getString("v"), "still the same string as JSON");
    }
  }

  @Test
  void quotesAndBackslashesAreEscapedAndTheRestKept() {
    StringBuilder sb = new StringBuilder();
    GatewayError.quote(sb, "say \"hi\" \\ é \u00a0");
    assertEquals("\"say \\\"hi\\\" \\\\ é \u00a0\"", sb.toString());
  }
}
