package dev.portico.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The routed path of any request target: either refused with {@link RequestPaths.InvalidTarget}
 * (never another exception), or printable ASCII with no {@code .} or {@code ..} segment however
 * spelled, and already in its normal form.
 */
class RequestPathsProperties {

  @Provide
  Arbitrary<String> targets() {
    // the characters that matter to paths, weighted towards the tricky ones
    Arbitrary<Character> tricky = Arbitraries.of('/', '.', '%', ';', '\\', '2', 'e', 'E', 'f', 'F', 'c', 'C', '5', '3', 'b', 'B');
    Arbitrary<Character> other = Arbitraries.chars().range('\u0000', '\u00ff');
    Arbitrary<String> pieces = Arbitraries.oneOf(
        Arbitraries.of("..", ".", "%2e", "%2E", "%2f", "%2F", "%5c", ";x", "..;", "%2e%2e", ".%2e", "%zz", "%", "é"),
        Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, tricky), net.jqwik.api.Tuple.of(2, other)).map(String::valueOf));
    return pieces.list().ofMaxSize(24).map(list -> "/" + String.join("", list));
  }

  @Property(tries = 3000)
  void aRoutedPathIsPrintableAsciiWithoutDotSegmentsAndStable(@ForAll("targets") String target) {
    String path;
    try {
      path = RequestPaths.normalize(target);
    } catch (RequestPaths.InvalidTarget refused) {
      return;
    }
    for (char c : path.toCharArray()) {
      assertTrue(c > 0x20 && c < 0x7f || c == ' ', "byte " + (int) c + " in " + path);
    }
    for (String segment : path.split("/", -1)) {
      String decoded = decode(segment);
      for (String part : decoded.split("[/\\\\]", -1)) {
        String bare = part.contains(";") ? part.substring(0, part.indexOf(';')) : part;
        assertFalse(bare.equals(".."), "'..' left in " + path + " from " + target);
      }
      String bare = decoded.contains(";") ? decoded.substring(0, decoded.indexOf(';')) : decoded;
      assertFalse(bare.equals("."), "'.' left in " + path + " from " + target);
    }
    assertEquals(path, RequestPaths.normalize(path), "normalising twice changes " + target);
  }

  private static String decode(String segment) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%' && i + 2 < segment.length()) {
        sb.append((char) Integer.parseInt(segment.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
