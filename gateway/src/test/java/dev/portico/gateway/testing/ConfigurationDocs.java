package dev.portico.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The YAML examples of a section of {@code docs/CONFIGURATION.md}, so tests can hold the docs to what they say. */
public final class ConfigurationDocs {

  private ConfigurationDocs() {}

  /** The {@code ```yaml} blocks of the section whose heading starts with {@code heading}, e.g. {@code "## 14a."}. */
  public static List<String> yamlBlocks(String heading) {
    String doc = read();
    int start = doc.indexOf("\n" + heading);
    if (start < 0) {
      throw new AssertionError("no section '" + heading + "' in docs/CONFIGURATION.md");
    }
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    List<String> blocks = new ArrayList<>();
    int from = 0;
    while (true) {
      int open = section.indexOf("```yaml\n", from);
      if (open < 0) {
        return blocks;
      }
      int close = section.indexOf("```", open + 8);
      blocks.add(section.substring(open + 8, close));
      from = close + 3;
    }
  }

  private static String read() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("docs/CONFIGURATION.md");
      if (Files.isRegularFile(candidate)) {
        try {
          return Files.readString(candidate);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new AssertionError("docs/CONFIGURATION.md not found above " + Path.of("").toAbsolutePath());
  }
}
