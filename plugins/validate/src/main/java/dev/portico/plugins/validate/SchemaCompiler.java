package dev.portico.plugins.validate;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns a schema written in the configuration into a {@link Validator}, once, at load.
 *
 * @implNote vertx-json-schema compiles any object it is given: {@code {"type": 5}} becomes a
 *     schema that refuses everything. So a 2020-12 schema (the default) is first validated against
 *     the 2020-12 meta-schema, which the library ships as resources; a mistake in the schema is
 *     then a configuration error with its place in the schema, not a route that answers 400 to
 *     every request.
 */
final class SchemaCompiler {

  private static final String META = "https://json-schema.org/draft/2020-12/";
  private static final List<String> META_PARTS = List.of(
      "schema", "meta/core", "meta/applicator", "meta/unevaluated", "meta/validation",
      "meta/meta-data", "meta/format-annotation", "meta/content");

  private SchemaCompiler() {}

  /** A problem with a schema: where in the schema (a JSON pointer, "" for the root) and what. */
  static final class InvalidSchema extends Exception {
    final String pointer;

    InvalidSchema(String pointer, String message) {
      super(message, null, false, false);
      this.pointer = pointer;
    }
  }

  /**
   * Compiles {@code schema} for validating request bodies.
   *
   * @param baseUri what relative {@code $ref}s resolve against (the schema file's URI, or a
   *     made-up one for an inline schema)
   * @throws InvalidSchema when the schema breaks its meta-schema or a {@code $ref} is unresolved
   */
  static Validator compile(JsonObject schema, String baseUri) throws InvalidSchema {
    Draft draft = Draft.DRAFT202012;
    Object declared = schema.getValue("$schema");
    if (declared != null) {
      try {
        draft = Draft.fromIdentifier(String.valueOf(declared));
      } catch (IllegalArgumentException e) {
        throw new InvalidSchema("/$schema", "unknown draft '" + declared + "' (use 2020-12, 2019-09, draft-07 or draft-04)");
      }
    }
    if (draft == Draft.DRAFT202012) {
      OutputUnit result = MetaSchema.VALIDATOR.validate(schema);
      if (!Boolean.TRUE.equals(result.getValid())) {
        OutputUnit leaf = deepest(result);
        throw new InvalidSchema(pointer(leaf.getInstanceLocation()), "not a valid JSON Schema: " + leaf.getError());
      }
    }
    JsonSchemaOptions options = new JsonSchemaOptions()
        .setDraft(draft)
        .setBaseUri(baseUri)
        .setOutputFormat(OutputFormat.Basic);
    try {
      // the validator follows a $ref only when a value leads there: resolving every one now
      // turns a dangling $ref into a load-time error instead of a 500 on some request
      SchemaRepository.create(options).dereference(baseUri, JsonSchema.of(schema.copy())).resolve(schema.copy());
    } catch (RuntimeException e) { // SchemaException, or the pointer's own IllegalArgumentException
      throw new InvalidSchema("", "cannot resolve a $ref: " + firstLine(e.getMessage()));
    }
    try {
      Validator detailed = Validator.create(JsonSchema.of(schema.copy()), options);
      Validator quick = Validator.create(JsonSchema.of(schema.copy()),
          new JsonSchemaOptions().setDraft(draft).setBaseUri(baseUri).setOutputFormat(OutputFormat.Flag));
      // most requests are valid: answer those with the Flag format, which builds no error tree,
      // and pay for the Basic format's details only to explain a refusal
      return json -> {
        OutputUnit verdict = quick.validate(json);
        return Boolean.TRUE.equals(verdict.getValid()) ? verdict : detailed.validate(json);
      };
    } catch (SchemaException e) {
      throw new InvalidSchema("", firstLine(e.getMessage()));
    }
  }

  private static OutputUnit deepest(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors();
    return errors == null || errors.isEmpty() ? result : errors.get(errors.size() - 1);
  }

  /** {@code #/properties/a} -> {@code /properties/a}. */
  private static String pointer(String instanceLocation) {
    if (instanceLocation == null) {
      return "";
    }
    return instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "the schema could not be compiled";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** The 2020-12 meta-schema, read from the library's jar the first time a schema is compiled. */
  private static final class MetaSchema {
    static final Validator VALIDATOR = load();

    private static Validator load() {
      SchemaRepository repository = SchemaRepository.create(new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012)
          .setBaseUri(META)
          .setOutputFormat(OutputFormat.Basic));
      ClassLoader loader = SchemaRepository.class.getClassLoader();
      for (String part : META_PARTS) {
        String resource = "json-schema.org/draft/2020-12/" + part;
        try (InputStream in = loader.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException("vertx-json-schema lacks its resource " + resource);
          }
          repository.dereference(META + part, JsonSchema.of(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return repository.validator(META + "schema");
    }
  }
}
