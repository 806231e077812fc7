package dev.portico.examples.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Transformer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parses configurations the way the gateway does: a {@link ConfigReader} at the policy's path, then
 * {@link ConfigReader#finish()} to report unknown keys.
 */
class HelloFactoryTest {

  private static final String PATH = "apis[0].policies[0].hello";

  private final HelloFactory factory = new HelloFactory();
  private final List<String> problems = new ArrayList<>();

  private HelloConfig parse(String json) {
    ConfigReader reader = new ConfigReader(new JsonObject(json), PATH, problems);
    HelloConfig config = factory.parse(reader);
    reader.finish();
    return config;
  }

  @Test
  void aGreetingAloneIsEnoughAndTheHeaderDefaultsToXHello() {
    HelloConfig config = parse("{\"greeting\": \"Hello from Portico\"}");

    assertEquals(List.of(), problems);
    assertEquals(new HelloConfig("Hello from Portico", "X-Hello"), config);
    assertInstanceOf(Transformer.class, factory.create(config, null));
  }

  @Test
  void theHeaderCanBeChosen() {
    assertEquals(new HelloConfig("hi", "X-Greeting"), parse("{\"greeting\": \"hi\", \"header\": \"X-Greeting\"}"));
    assertEquals(List.of(), problems);
  }

  @Test
  void everyProblemIsReportedWithItsPath() {
    parse("{\"header\": \"X Hello\", \"greting\": \"hi\"}");

    assertEquals(List.of(
        PATH + ".greeting: is required",
        PATH + ".header: must be a header name such as X-Hello (was 'X Hello')",
        PATH + ".greting: unknown key"), problems);
  }

  @Test
  void placeholdersLineBreaksAndManagedHeadersAreRefused() {
    parse("{\"greeting\": \"Hello ${principal.id}\", \"header\": \"Content-Length\"}");
    parse("{\"greeting\": \"Hello\\r\\nSet-Cookie: x=1\"}");

    assertEquals(List.of(
        PATH + ".greeting: must be plain text: the hello plugin does not expand ${...} placeholders",
        PATH + ".header: must not be Content-Length, which the gateway manages",
        PATH + ".greeting: must be printable text on one line"), problems);
  }
}
