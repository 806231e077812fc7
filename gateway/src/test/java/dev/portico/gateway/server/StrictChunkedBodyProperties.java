package dev.portico.gateway.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The strict chunked-body reader on its own, however the bytes are cut into reads: a valid body
 * yields exactly its data and stops at its last byte, leaving the next request's bytes untouched; a
 * body with a framing error is refused, and never yields data beyond what precedes the error.
 */
class StrictChunkedBodyProperties {

  private static final byte[] NEXT = "GET /next HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Feeds {@code wire + NEXT} in reads cut every {@code step} bytes; returns the data and the bytes left after the body. */
  private static Result feed(byte[] wire, int step) {
    StrictChunkedBody body = new StrictChunkedBody(8192);
    ByteBuf cumulation = Unpooled.buffer();
    byte[] all = new byte[wire.length + NEXT.length];
    System.arraycopy(wire, 0, all, 0, wire.length);
    System.arraycopy(NEXT, 0, all, wire.length, NEXT.length);
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    boolean done = false;
    for (int at = 0; at < all.length && !done; at += step) {
      cumulation.writeBytes(all, at, Math.min(step, all.length - at));
      List<Object> out = new ArrayList<>();
      try {
        done = body.decode(cumulation, out);
      } finally {
        for (Object o : out) {
          HttpContent c = (HttpContent) o;
          byte[] bytes = new byte[c.content().readableBytes()];
          c.content().readBytes(bytes);
          data.writeBytes(bytes);
          if (o instanceof LastHttpContent && !done) {
            throw new AssertionError("the last content came before the body was done");
          }
          c.release();
        }
      }
    }
    byte[] rest = new byte[cumulation.readableBytes()];
    cumulation.readBytes(rest);
    return new Result(done, data.toByteArray(), rest);
  }

  private record Result(boolean done, byte[] data, byte[] rest) {}

  @Property(tries = 500)
  void aValidBodyYieldsItsDataAndStopsAtItsEnd(@ForAll("validBodies") ChunkedEncodings.Encoded body,
      @ForAll @IntRange(min = 1, max = 64) int step) {
    Result r = feed(body.wire(), step);
    assertTrue(r.done(), "the body did not end");
    assertArrayEquals(body.data(), r.data());
    // what follows the body is exactly what was sent after it, not a byte more or less
    byte[] expectedRest = java.util.Arrays.copyOf(NEXT, r.rest().length);
    assertArrayEquals(expectedRest, r.rest());
  }

  @Property(tries = 500)
  void aBrokenBodyIsRefusedAndYieldsNoDataBeyondTheError(@ForAll("brokenBodies") ChunkedEncodings.Encoded body,
      @ForAll @IntRange(min = 1, max = 64) int step) {
    MalformedChunkedBody refused = assertThrows(MalformedChunkedBody.class, () -> feed(body.wire(), step));
    assertFalse(refused.getMessage().isBlank());
  }

  @Property(tries = 1000)
  void arbitraryBytesNeverFailWithAnythingButMalformedChunkedBody(@ForAll byte[] wire) {
    StrictChunkedBody body = new StrictChunkedBody(8192);
    List<Object> out = new ArrayList<>();
    ByteBuf in = Unpooled.wrappedBuffer(wire);
    try {
      body.decode(in, out);
    } catch (MalformedChunkedBody expected) {
      // a refusal is a fine outcome; anything else (an overflow, an index error) is not
    }
    long emitted = 0;
    for (Object o : out) {
      emitted += ((HttpContent) o).content().readableBytes();
      ((HttpContent) o).release();
    }
    assertTrue(emitted <= wire.length, "more data than bytes sent");
    assertEquals(wire.length - in.readableBytes(), in.readerIndex());
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<ChunkedEncodings.Encoded> validBodies() {
    return ChunkedEncodings.valid();
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<ChunkedEncodings.Encoded> brokenBodies() {
    return ChunkedEncodings.broken();
  }
}
