package dev.portico.gateway.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Chunked bodies for property tests, valid or broken by construction, so that the expected outcome
 * is known without a second parser: a valid body with its data, or a body with exactly one framing
 * error of the kinds a strict parser must refuse.
 */
final class ChunkedEncodings {

  private ChunkedEncodings() {}

  /** One generated body: the bytes on the wire, and the data they carry when {@code valid}. */
  record Encoded(byte[] wire, byte[] data, boolean valid, String how) {
    @Override
    public String toString() {
      return how + " " + new String(wire, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }
  }

  /** The ways one chunk-size line or line end is broken. */
  enum Break { SEVENTEEN_DIGITS, OVERFLOW, NEGATIVE, NOT_HEX, BARE_LF_AFTER_SIZE, BARE_LF_AFTER_DATA, DATA_TOO_LONG, DATA_TOO_SHORT, BARE_LF_AT_END }

  static Arbitrary<Encoded> valid() {
    return Combinators.combine(chunks(), Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 8))
        .as((chunks, upper, trailers, zeros) -> encode(chunks, upper, trailers, zeros, null, 0));
  }

  static Arbitrary<Encoded> broken() {
    return Combinators.combine(chunks(), Arbitraries.of(Break.values()), Arbitraries.integers().between(0, 64))
        .as((chunks, how, where) -> encode(chunks, false, false, 0, how, where % chunks.size()));
  }

  static Arbitrary<Encoded> any() {
    return Arbitraries.oneOf(valid(), broken());
  }

  private static Arbitrary<List<byte[]>> chunks() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300).list().ofMinSize(1).ofMaxSize(6);
  }

  private static Encoded encode(List<byte[]> chunks, boolean upper, boolean trailers, int zeros, Break how, int at) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      boolean broken = how != null && i == at;
      String hex = Integer.toHexString(chunk.length);
      hex = "0".repeat(Math.min(zeros, 16 - hex.length())) + (upper ? hex.toUpperCase() : hex);
      String size = !broken ? hex : switch (how) {
        case SEVENTEEN_DIGITS -> "0".repeat(17 - hex.length()) + hex;
        case OVERFLOW -> "1" + "0".repeat(8 - hex.length()) + hex;   // 2^32 + n: n for a 32-bit parser
        case NEGATIVE -> "-" + hex;
        case NOT_HEX -> hex + "g";
        default -> hex;
      };
      ascii(wire, size + (i % 2 == 1 ? ";ext=" + i : ""));
      ascii(wire, broken && how == Break.BARE_LF_AFTER_SIZE ? "\n" : "\r\n");
      wire.writeBytes(chunk);
      if (broken && how == Break.DATA_TOO_LONG) {
        ascii(wire, "xy");
      }
      if (broken && how == Break.DATA_TOO_SHORT) {
        // the data ends one byte early: its last byte is read where CRLF belongs
        byte[] shorter = wire.toByteArray();
        wire.reset();
        wire.write(shorter, 0, shorter.length - 1);
        ascii(wire, "\rX\r\n");
      }
      ascii(wire, broken && how == Break.BARE_LF_AFTER_DATA ? "\n" : "\r\n");
      data.writeBytes(chunk);
    }
    ascii(wire, "0\r\n");
    if (trailers) {
      ascii(wire, "X-Checksum: abc\r\n");
    }
    ascii(wire, how == Break.BARE_LF_AT_END ? "\n" : "\r\n");
    return new Encoded(wire.toByteArray(), data.toByteArray(), how == null, how == null ? "valid" : how.name());
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }
}
