package dev.portico.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GatewayRequestTest {

  private final TestContext ctx = new TestContext();

  @Test
  void singleHeaderIsTheValueOfTheOneHeaderOrNull() {
    ctx.header("Authorization", "Bearer abc");
    assertEquals("Bearer abc", ctx.request().singleHeader("authorization"));
    assertNull(ctx.request().singleHeader("X-API-Key"));
  }

  @Test
  void aHeaderSentTwiceWhateverTheCaseOfItsNamesIsA400NamingIt() {
    ctx.header("X-API-Key", "first").header("x-api-key", "second");
    Rejection r = assertThrows(Rejection.class, () -> ctx.request().singleHeader("X-API-Key"));
    assertEquals(400, r.status());
    assertEquals("Bad Request: more than one X-API-Key header", r.getMessage());
  }

  @Test
  void anEmptySecondValueStillCounts() {
    ctx.header("Authorization", "Bearer abc").header("Authorization", "");
    assertEquals(400, assertThrows(Rejection.class, () -> ctx.request().singleHeader("Authorization")).status());
  }
}
