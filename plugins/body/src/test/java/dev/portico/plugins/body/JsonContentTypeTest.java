package dev.portico.plugins.body;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which Content-Types the body policy reads: JSON and its {@code +json} subtypes, nothing else. */
class JsonContentTypeTest {

  @Test
  void jsonAndPlusJsonTypesAreReadWhateverTheirParametersAndCase() {
    for (String type : new String[] {
        "application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ;x=y",
        "application/problem+json", "application/vnd.shop.v2+JSON; charset=utf-8"}) {
      assertTrue(BodyTransformer.isJson(type), type);
    }
  }

  @Test
  void everythingElseStreams() {
    for (String type : new String[] {
        null, "", "text/json", "application/jsonx", "application/octet-stream", "application/+json",
        "application/x-ndjson", "text/plain; charset=application/json", "multipart/form-data"}) {
      assertFalse(BodyTransformer.isJson(type), type);
    }
  }
}
