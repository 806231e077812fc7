package dev.portico.plugins.httpauthorizer;

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

/** The {@code http-authorizer} section of docs/CONFIGURATION.md: its examples are valid, its mistakes refused. */
class HttpAuthorizerDocsTest {

  private static Path projectFile(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve(relative))) {
        return d.resolve(relative);
      }
    }
    throw new IllegalStateException("cannot find " + relative + " above " + Path.of("").toAbsolutePath());
  }

  private static LoadResult parse(String yaml) throws Exception {
    try (PolicyCatalog catalog = PolicyCatalog.load(BundledPlugins.dir("headers"), HttpAuthorizerDocsTest.class.getClassLoader())) {
      return new ConfigLoader(catalog.factories(), Map.of()).parse(yaml, Files.createTempDirectory("portico-docs"));
    }
  }

  @Test
  void theExamplesOfTheSectionAreValid() throws Exception {
    String doc = Files.readString(projectFile("docs/CONFIGURATION.md"));
    int start = doc.indexOf("\n## 14d. The http-authorizer policy\n");
    assertTrue(start >= 0, "no http-authorizer section");
    int end = doc.indexOf("\n## ", start + 1);
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc.substring(start, end));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertFalse(blocks.isEmpty());
    for (String yaml : blocks) {
      assertEquals(List.of(), parse(yaml).problems(), yaml);
    }
  }

  @Test
  void aBadConfigurationIsRefusedWithOneLinePerProblemNamingTheKey() throws Exception {
    LoadResult result = parse("""
        apis:
          - name: a
            routes:
              - path: /x
                integration: { type: mock }
                policies:
                  - http-authorizer: { uri: "ftp://example.com/auth", identitySource: [Authorization, "bad header", authorization], timeout: 0s, cacheTtl: soon, extra: 1 }
              - path: /y
                integration: { type: mock }
                policies:
                  - http-authorizer: {}
        """);
    String p = "apis[0].routes[0].policies[0].http-authorizer.";
    assertEquals(List.of(
        p + "uri: must be an absolute http or https URI (was 'ftp://example.com/auth')",
        p + "identitySource[1]: 'bad header' is not a valid header name",
        p + "identitySource[2]: 'authorization' appears twice (header names are case-insensitive)",
        p + "cacheTtl: must be a duration such as 250ms, 5s or 1m (was 'soon')",
        p + "timeout: must be longer than 0",
        p + "extra: unknown key",
        "apis[0].routes[1].policies[0].http-authorizer.uri: is required"), result.problems());
  }
}
