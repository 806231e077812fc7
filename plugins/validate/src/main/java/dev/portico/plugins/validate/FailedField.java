package dev.portico.plugins.validate;

import io.vertx.json.schema.OutputUnit;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says which field of a body failed its schema, and by which rule, in the words a client can act
 * on: {@code body.pets[2].name: required}, {@code body.limit: maximum (20 is greater than 10)}.
 *
 * @implNote The validator's "basic" output lists every failing keyword, an applicator
 *     ({@code properties}, {@code items}, {@code allOf}...) before the keywords beneath it. The
 *     first keyword that is not an applicator is the first real rule broken; its
 *     {@code instanceLocation} is the field. For {@code required} that location is the object, so
 *     the missing property's name is taken from the error text the library writes.
 */
final class FailedField {

  /** Keywords that only say "a subschema failed": the failure worth naming lies beneath them. */
  private static final Set<String> APPLICATORS = Set.of(
      "properties", "patternProperties", "additionalProperties", "items", "prefixItems",
      "allOf", "$ref", "$dynamicRef", "dependentSchemas", "then", "else", "propertyNames",
      "unevaluatedItems", "unevaluatedProperties");
  private static final Pattern REQUIRED_PROPERTY = Pattern.compile("required property \"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

  private FailedField() {}

  /** The message of the 400 for a body that failed its schema. */
  static String describe(OutputUnit result) {
    OutputUnit failure = firstRule(result);
    String field = field(failure.getInstanceLocation());
    String rule = keyword(failure.getKeywordLocation());
    if ("required".equals(rule)) {
      Matcher m = REQUIRED_PROPERTY.matcher(String.valueOf(failure.getError()));
      if (m.find()) {
        return member(field, m.group(1)) + ": required";
      }
    }
    String detail = failure.getError();
    return field + ": " + (rule.isEmpty() ? "invalid" : rule) + (detail == null ? "" : " (" + detail + ")");
  }

  private static OutputUnit firstRule(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors();
    if (errors == null || errors.isEmpty()) {
      return result;
    }
    for (OutputUnit error : errors) {
      if (!APPLICATORS.contains(keyword(error.getKeywordLocation()))) {
        return error;
      }
    }
    return errors.get(errors.size() - 1);
  }

  /** The last segment of a keyword location, e.g. {@code #/properties/pets/items/required} -> {@code required}. */
  private static String keyword(String keywordLocation) {
    if (keywordLocation == null) {
      return "";
    }
    int slash = keywordLocation.lastIndexOf('/');
    return unescape(keywordLocation.substring(slash + 1));
  }

  /** {@code #/pets/2/name} -> {@code body.pets[2].name}; the root is {@code body}. */
  static String field(String instanceLocation) {
    StringBuilder out = new StringBuilder("body");
    if (instanceLocation == null) {
      return out.toString();
    }
    String pointer = instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
    if (pointer.isEmpty()) {
      return out.toString();
    }
    String text = out.toString();
    for (String segment : pointer.substring(1).split("/", -1)) {
      String name = unescape(segment);
      text = isIndex(name) ? text + "[" + name + "]" : member(text, name);
    }
    return text;
  }

  private static String member(String parent, String name) {
    return IDENTIFIER.matcher(name).matches()
        ? parent + "." + name
        : parent + "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  private static boolean isIndex(String segment) {
    if (segment.isEmpty() || segment.length() > 9) {
      return false;
    }
    for (int i = 0; i < segment.length(); i++) {
      if (segment.charAt(i) < '0' || segment.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String unescape(String segment) {
    return segment.replace("~1", "/").replace("~0", "~");
  }
}
