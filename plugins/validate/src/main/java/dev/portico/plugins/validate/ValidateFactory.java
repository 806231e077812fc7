package dev.portico.plugins.validate;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code validate} transformer: refuses, with 400 naming the field, a request that lacks a
 * required query parameter or header, or whose body does not match a JSON Schema.
 *
 * <pre>{@code
 * - path: /pets
 *   methods: [POST]
 *   integration: { type: http, uri: "${stage.backend}/pets" }
 *   policies:
 *     - validate:
 *         requiredHeaders: [X-Tenant]           # missing -> 400 "header.X-Tenant: required"
 *         requiredQuery: [dryRun]               # missing -> 400 "query.dryRun: required"
 *         schema:                               # or schema: "file:schemas/pet.json"
 *           type: object
 *           required: [name]
 *           properties: { name: { type: string, minLength: 1 } }
 * }</pre>
 *
 * <ul>
 *   <li>{@code schema} is JSON Schema 2020-12 unless its {@code $schema} names another draft; it is
 *       checked against its meta-schema and compiled once, at load. {@code file:} paths are
 *       relative to the configuration file.</li>
 *   <li>With a schema the body is buffered, up to {@code server.maxBodySize} (413 beyond), and
 *       must be JSON; it reaches the backend byte for byte as sent. Without one it streams.</li>
 * </ul>
 */
public final class ValidateFactory implements PolicyFactory<ValidateConfig> {

  private static final String FILE = "file:";

  @Override
  public String name() {
    return "validate";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.TRANSFORMER;
  }

  @Override
  public ValidateConfig parse(ConfigReader config) {
    List<String> query = names(config, "requiredQuery");
    List<String> headers = names(config, "requiredHeaders");
    Validator schema = schema(config);
    if (schema == null && query.isEmpty() && headers.isEmpty() && !config.hasProblems()) {
      config.problem("set 'schema', 'requiredQuery' or 'requiredHeaders': otherwise the policy does nothing");
    }
    return new ValidateConfig(schema, query, headers);
  }

  @Override
  public Policy create(ValidateConfig config, PolicyEnvironment env) {
    return new ValidateTransformer(config);
  }

  private static List<String> names(ConfigReader config, String key) {
    List<String> names = config.strings(key, List.of());
    List<String> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).isBlank()) {
        config.problem(key + "[" + i + "]", "a name must not be empty");
      } else {
        out.add(names.get(i).trim());
      }
    }
    return out;
  }

  private static Validator schema(ConfigReader config) {
    Object value = config.value("schema");
    if (value == null) {
      return null;
    }
    JsonObject schema;
    String baseUri;
    String where;
    if (value instanceof JsonObject inline) {
      schema = inline;
      baseUri = "https://portico.invalid/inline-schema.json"; // no network: only refs inside the schema resolve
      where = "";
    } else if (value instanceof String text && text.startsWith(FILE) && text.length() > FILE.length()) {
      Path file = config.resolve(text.substring(FILE.length()));
      try {
        schema = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      } catch (IOException e) {
        config.problem("schema", "cannot read " + file + ": " + e);
        return null;
      } catch (DecodeException | ClassCastException e) {
        config.problem("schema", file + " is not a JSON object: " + e.getMessage());
        return null;
      }
      baseUri = file.toUri().toString();
      where = " in " + file;
    } else {
      config.problem("schema", "must be a JSON Schema (a map) or 'file:<path>' relative to the configuration file");
      return null;
    }
    try {
      return SchemaCompiler.compile(schema, baseUri);
    } catch (SchemaCompiler.InvalidSchema e) {
      String at = e.pointer.isEmpty() ? "" : " at " + e.pointer;
      config.problem("schema", e.getMessage() + where + at);
      return null;
    }
  }
}
