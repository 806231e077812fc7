package dev.portico.plugins.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portico.spi.Rejection;
import org.junit.jupiter.api.Test;

/** How a rendered backend path is normalised, and where it stops climbing. */
class BackendPathTest {

  @Test
  void aPathWithoutDotsIsReturnedAsItIs() {
    assertEquals("/a//b/c/", BackendPath.normalize("/a//b/c/", 0));
  }

  @Test
  void dotSegmentsAreResolvedPlainOrPercentEncoded() {
    assertEquals("/a/c", BackendPath.normalize("/a/b/../c", 0));
    assertEquals("/a/c", BackendPath.normalize("/a/b/%2E%2e/c", 0));
    assertEquals("/a/b/", BackendPath.normalize("/a/b/.", 0));
    assertEquals("/a/", BackendPath.normalize("/a/b/..", 0));
    assertEquals("/", BackendPath.normalize("/a/..", 0));
  }

  @Test
  void climbingIntoTheBaseIsRefused() {
    assertEquals("/base/x/z", BackendPath.normalize("/base/x/y/../z", 1));
    assertNull(BackendPath.normalize("/base/../z", 1));
    assertNull(BackendPath.normalize("/base/x/../../z", 1));
    assertNull(BackendPath.normalize("/..", 0));
  }

  @Test
  void aDotDotBehindAnEncodedSeparatorABackslashOrASemicolonIsRefused() {
    for (String hidden : new String[] {"/a/..%2Fb", "/a/x%2f..", "/a/..%5cb", "/a/..\\b", "/a/..;/b", "/a/%2e%2e;x"}) {
      Rejection r = assertThrows(Rejection.class, () -> BackendPath.normalize(hidden, 0), hidden);
      assertEquals(400, r.status());
    }
    assertEquals("/a/..b;c/%2Fd", BackendPath.normalize("/a/..b;c/%2Fd", 0));
  }

  @Test
  void valuesAreEncodedAsUtf8ExceptSafePathCharacters() {
    StringBuilder out = new StringBuilder();
    BackendPath.encode("café a/b;c?d#e%f~-._!$&'()*+,=:@", out);
    assertEquals("caf%C3%A9%20a/b%3Bc%3Fd%23e%25f~-._!$&'()*+,=:@", out.toString());
  }
}
