package dev.portico.plugins.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad {@code validate} configuration is refused at load, one line per problem naming its path in the file. */
class ValidateConfigTest {

  private static final String PREFIX = "apis[0].routes[0].policies[0].validate.";

  @TempDir
  Path dir;

  private LoadResult load(String policy) {
    String yaml = """
        apis:
          - name: v
            basePath: /v
            routes:
              - path: /a
                integration: { type: mock, status: 200 }
                policies:
                  - validate: %s
        """.formatted(policy);
    return new ConfigLoader(Map.of("validate", new ValidateFactory()), Map.of()).parse(yaml, dir);
  }

  private List<String> problems(String policy) {
    LoadResult result = load(policy);
    assertTrue(!result.ok(), "should be refused: " + policy);
    return result.problems();
  }

  private void assertRefused(String policy, String expectedLine) {
    List<String> problems = problems(policy);
    assertTrue(problems.contains(PREFIX + expectedLine), String.join("\n", problems));
  }

  @Test
  void aSchemaThatBreaksTheMetaSchemaIsRefusedWithTheSpotInTheSchema() {
    assertRefused("{ schema: { type: object, properties: { name: { minLength: x } } } }",
        "schema: not a valid JSON Schema: Instance type string is invalid. Expected integer at /properties/name/minLength");
  }

  @Test
  void anUnknownTypeNameIsRefused() {
    List<String> problems = problems("{ schema: { type: objekt } }");
    assertEquals(1, problems.size(), String.join("\n", problems));
    assertTrue(problems.get(0).startsWith(PREFIX + "schema: not a valid JSON Schema:"), problems.get(0));
    assertTrue(problems.get(0).endsWith(" at /type"), problems.get(0));
  }

  @Test
  void anUnresolvedRefIsRefused() {
    List<String> problems = problems("{ schema: { $ref: \"#/$defs/nope\" } }");
    assertTrue(problems.get(0).startsWith(PREFIX + "schema: cannot resolve a $ref: "), String.join("\n", problems));
  }

  @Test
  void aRefToAnotherDocumentIsRefusedAtLoad() throws IOException {
    Files.writeString(dir.resolve("other.json"), "{\"type\": \"string\"}");
    List<String> problems = problems("{ schema: { type: object, properties: { a: { $ref: \"other.json\" } } } }");
    assertTrue(problems.get(0).startsWith(PREFIX + "schema: cannot resolve a $ref: "), String.join("\n", problems));
  }

  @Test
  void aRefInsideTheSchemaIsAccepted() {
    LoadResult result = load("{ schema: { $defs: { pet: { type: object } }, type: array, items: { $ref: \"#/$defs/pet\" } } }");
    assertTrue(result.ok(), () -> String.join("\n", result.problems()));
  }

  @Test
  void aSchemaFileIsResolvedAgainstTheConfigurationsDirectory() throws IOException {
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(dir.resolve("schemas/pet.json"), "{\"type\": \"object\", \"required\": [\"name\"]}");

    LoadResult result = load("{ schema: \"file:schemas/pet.json\" }");

    assertTrue(result.ok(), () -> String.join("\n", result.problems()));
  }

  @Test
  void anInvalidSchemaFileIsRefusedNamingTheFile() throws IOException {
    Files.writeString(dir.resolve("bad.json"), "{\"type\": 5}");

    List<String> problems = problems("{ schema: \"file:bad.json\" }");

    String line = problems.get(0);
    assertTrue(line.startsWith(PREFIX + "schema: not a valid JSON Schema:"), line);
    assertTrue(line.endsWith(" in " + dir.resolve("bad.json").toAbsolutePath().normalize() + " at /type"), line);
  }

  @Test
  void aMissingSchemaFileIsRefused() {
    List<String> problems = problems("{ schema: \"file:nowhere.json\" }");
    assertTrue(problems.get(0).startsWith(PREFIX + "schema: cannot read "), problems.get(0));
  }

  @Test
  void aSchemaFileThatIsNotJsonIsRefused() throws IOException {
    Files.writeString(dir.resolve("pet.yaml"), "type: object");
    List<String> problems = problems("{ schema: \"file:pet.yaml\" }");
    assertTrue(problems.get(0).contains("is not a JSON object"), problems.get(0));
  }

  @Test
  void aSchemaThatIsNeitherAMapNorAFileIsRefused() {
    assertRefused("{ schema: pet.json }",
        "schema: must be a JSON Schema (a map) or 'file:<path>' relative to the configuration file");
  }

  @Test
  void anUnknownDraftIsRefused() {
    List<String> problems = problems("{ schema: { $schema: \"https://example.com/mine\", type: object } }");
    assertTrue(problems.get(0).startsWith(PREFIX + "schema: unknown draft"), problems.get(0));
  }

  @Test
  void anEmptyHeaderNameIsRefused() {
    assertRefused("{ requiredHeaders: [X-Tenant, \"\"] }", "requiredHeaders[1]: a name must not be empty");
  }

  @Test
  void aPolicyThatChecksNothingIsRefused() {
    List<String> problems = problems("{}");
    assertTrue(problems.contains("apis[0].routes[0].policies[0].validate: set 'schema', 'requiredQuery' or 'requiredHeaders': otherwise the policy does nothing"),
        String.join("\n", problems));
  }

  @Test
  void anUnknownKeyIsRefused() {
    assertRefused("{ requiredQuery: [q], requiredHeader: [X-Tenant] }", "requiredHeader: unknown key");
  }
}
