package dev.portico.plugins.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import dev.portico.gateway.plugin.PolicyCatalog;
import dev.portico.gateway.testing.BundledPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code api-key}'s configuration: what is refused, and the documentation's examples are valid (the demo route: ShippedDemoTest). */
class ApiKeyConfigurationTest {

  /** A file of this project, found from the working directory (the module's folder under Maven). */
  static Path projectFile(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(relative))) {
        return d.resolve(relative);
      }
    }
    throw new IllegalStateException("cannot find " + relative + " above " + Path.of("").toAbsolutePath());
  }

  /** The YAML blocks of one section of docs/CONFIGURATION.md. */
  static List<String> yamlBlocks(String heading) throws Exception {
    String doc = Files.readString(projectFile("docs/CONFIGURATION.md"));
    int start = doc.indexOf("\n## " + heading + "\n");
    assertTrue(start >= 0, "no section '" + heading + "'");
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(section);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  @Test
  void anInvalidHeaderNameOrAnUnknownKeyIsRefusedNamingTheKey() throws Exception {
    try (PolicyCatalog catalog = PolicyCatalog.load(null, getClass().getClassLoader())) {
      LoadResult result = new ConfigLoader(catalog.factories(), Map.of()).parse("""
          apis:
            - name: a
              policies:
                - api-key: { header: "X API Key", query: api_key }
              routes:
                - path: /x
                  integration: { type: mock }
          """, Files.createTempDirectory("portico-config"));
      assertEquals(List.of(
          "apis[0].policies[0].api-key.header: 'X API Key' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
          "apis[0].policies[0].api-key.query: unknown key"), result.problems());
    }
  }

  @Test
  void theExamplesOfTheApiKeySectionAreValid() throws Exception {
    List<String> blocks = yamlBlocks("14c. The api-key policy");
    assertFalse(blocks.isEmpty());
    try (PolicyCatalog catalog = PolicyCatalog.load(BundledPlugins.dir("headers"), getClass().getClassLoader())) {
      ConfigLoader loader = new ConfigLoader(catalog.factories(), Map.of("PARTNER_A_KEY", "a-key-value"));
      for (String yaml : blocks) {
        LoadResult result = loader.parse(yaml, Files.createTempDirectory("portico-docs"));
        assertEquals(List.of(), result.problems(), yaml);
      }
    }
  }
}
