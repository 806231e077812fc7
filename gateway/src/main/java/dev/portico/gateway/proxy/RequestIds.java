package dev.portico.gateway.proxy;

import java.util.concurrent.ThreadLocalRandom;

/** Keeps a client's sane {@code X-Request-Id} or makes a new one (docs/CONFIGURATION.md, section 16). */
public final class RequestIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** The client's id when it is 1 to 128 characters of {@code A-Z a-z 0-9 . _ -}; otherwise a new one. */
  public static String keepOrCreate(String fromClient) {
    return isSane(fromClient) ? fromClient : create();
  }

  static boolean isSane(String id) {
    if (id == null || id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits as 32 hex digits: unique enough to correlate logs, cheap enough for every request. */
  public static String create() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    long hi = r.nextLong();
    long lo = r.nextLong();
    for (int i = 0; i < 16; i++) {
      out[i] = HEX[(int) (hi >>> (60 - 4 * i)) & 0xf];
      out[16 + i] = HEX[(int) (lo >>> (60 - 4 * i)) & 0xf];
    }
    return new String(out);
  }
}
