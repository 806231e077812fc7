package dev.portico.plugins.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.spi.Principal;
import org.junit.jupiter.api.Test;

/** The verified-token cache: how long an entry lives and how many there can be. */
class VerifiedTokensTest {

  private static final Principal ALICE = Principal.of("alice");
  private static final long NOW = 1_000_000_000L;

  @Test
  void anEntryLivesUntilTheTokensExpWhenThatComesFirst() {
    VerifiedTokens cache = new VerifiedTokens(100, 60_000);
    cache.put("token-a", ALICE, NOW + 5_000, NOW);
    assertEquals(ALICE, cache.get("token-a", NOW + 4_999));
    assertNull(cache.get("token-a", NOW + 5_000));
  }

  @Test
  void anEntryLivesAtMostTheMaximumAge() {
    VerifiedTokens cache = new VerifiedTokens(100, 60_000);
    cache.put("token-a", ALICE, Long.MAX_VALUE, NOW);
    assertEquals(ALICE, cache.get("token-a", NOW + 59_999));
    assertNull(cache.get("token-a", NOW + 60_000));
  }

  @Test
  void onlyTheExactTokenHits() {
    VerifiedTokens cache = new VerifiedTokens(100, 60_000);
    cache.put("header.payload.sig", ALICE, Long.MAX_VALUE, NOW);
    assertNull(cache.get("header.payload.sih", NOW));
    assertNull(cache.get("header.payload.sig ", NOW));
  }

  @Test
  void theCacheStaysWithinItsBound() {
    VerifiedTokens cache = new VerifiedTokens(50, 60_000);
    for (int i = 0; i < 1_000; i++) {
      cache.put("token-" + i, ALICE, Long.MAX_VALUE, NOW);
      assertTrue(cache.size() <= 50, "size " + cache.size());
    }
    assertEquals(ALICE, cache.get("token-999", NOW), "the newest entry is kept");
  }

  @Test
  void sizeZeroRemembersNothing() {
    VerifiedTokens cache = new VerifiedTokens(0, 60_000);
    cache.put("token-a", ALICE, Long.MAX_VALUE, NOW);
    assertNull(cache.get("token-a", NOW));
  }
}
