package dev.portico.gateway.server;

import dev.portico.spi.ConfigReader;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads one chunked request body (RFC 9112 section 7.1) strictly, from the bytes after the request
 * head to the blank line after the last chunk, emitting the data as Netty {@code HttpContent}s.
 *
 * <p>Netty's own parser is lenient where leniency lets one request hide another: it reads a chunk
 * size into an {@code int}, so {@code 100000005} becomes 5 and the bytes after the fifth are parsed
 * as a second request; it skips whitespace and stops at any non-hex byte. Here a size is 1 to 16
 * hex digits whose value is below 2^31 ({@link #MAX_CHUNK}: no client sends a single chunk of 2 GiB,
 * and a larger size is what an overflow attack looks like), optionally followed by chunk
 * extensions; every
 * line ends in CRLF (a bare LF is an error); chunk data is followed by exactly CRLF; trailer fields
 * are checked and dropped (Vert.x does not pass them on). Anything else fails with
 * {@link MalformedChunkedBody}, and the caller must then never read the connection again: where
 * the next request would start cannot be known.
 *
 * <p>Bytes are consumed only when a whole line (or data) is there; a partial line is left in the
 * buffer for the next call. One instance per body, used on the connection's event loop only.
 */
final class StrictChunkedBody {

  /** Hex digits allowed in a chunk size: 16 hold every value up to 2^64 - 1. */
  static final int MAX_SIZE_DIGITS = 16;
  /** The largest chunk accepted: a larger size is refused as an overflow. */
  static final long MAX_CHUNK = Integer.MAX_VALUE;
  /** The longest chunk-size line (size plus extensions) accepted. */
  static final int MAX_SIZE_LINE = 4096;

  private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

  private final int maxTrailerBytes;
  private State state = State.SIZE;
  private long remaining;
  private int trailerBytes;

  /** @param maxTrailerBytes the most bytes of trailer fields accepted (the server's header limit) */
  StrictChunkedBody(int maxTrailerBytes) {
    this.maxTrailerBytes = maxTrailerBytes;
  }

  /**
   * Reads what it can of the body from {@code in} into {@code out}.
   *
   * @return true once the body's last part (a {@code LastHttpContent}) has been emitted; the bytes
   *     after it in {@code in} belong to the next request
   * @throws MalformedChunkedBody on the first byte that breaks the framing
   */
  boolean decode(ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      switch (state) {
        case SIZE -> {
          int lineEnd = lineEnd(in, MAX_SIZE_LINE, "chunk size line");
          if (lineEnd < 0) {
            return false;
          }
          remaining = chunkSize(in, in.readerIndex(), lineEnd);
          in.readerIndex(lineEnd + 2);
          state = remaining == 0 ? State.TRAILER : State.DATA;
        }
        case DATA -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
          remaining -= n;
          if (remaining == 0) {
            state = State.DATA_END;
          }
        }
        case DATA_END -> {
          int r = in.readerIndex();
          if (in.getByte(r) != '\r') {
            throw new MalformedChunkedBody("chunk data not followed by CRLF");
          }
          if (in.readableBytes() < 2) {
            return false;
          }
          if (in.getByte(r + 1) != '\n') {
            throw new MalformedChunkedBody("chunk data not followed by CRLF");
          }
          in.skipBytes(2);
          state = State.SIZE;
        }
        case TRAILER -> {
          int lineEnd = lineEnd(in, maxTrailerBytes - trailerBytes, "trailer section");
          if (lineEnd < 0) {
            return false;
          }
          int start = in.readerIndex();
          trailerBytes += lineEnd - start + 2;
          if (lineEnd == start) {
            in.skipBytes(2);
            state = State.DONE;
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            return true;
          }
          checkTrailerField(in, start, lineEnd);
          in.readerIndex(lineEnd + 2);
        }
        case DONE -> {
          return true;
        }
      }
    }
    return state == State.DONE;
  }

  /**
   * The index of the CR of the CRLF that ends the line starting at the reader index, or -1 when the
   * line is not complete yet. A bare LF, a CR followed by anything but LF, or a line longer than
   * {@code max} bytes is malformed.
   */
  private static int lineEnd(ByteBuf in, int max, String what) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    for (int i = start; i < end; i++) {
      byte b = in.getByte(i);
      if (b == '\n') {
        throw new MalformedChunkedBody("bare LF in " + what);
      }
      if (b == '\r') {
        if (i + 1 == end) {
          return -1;
        }
        if (in.getByte(i + 1) != '\n') {
          throw new MalformedChunkedBody("CR without LF in " + what);
        }
        return i;
      }
      if (i - start >= max) {
        throw new MalformedChunkedBody(what + " too long");
      }
    }
    return -1;
  }

  /** {@code chunk-size [ chunk-ext ]}: 1 to 16 hex digits, then nothing or {@code BWS ";" ...}. */
  static long chunkSize(ByteBuf in, int start, int end) {
    long size = 0;
    int i = start;
    for (; i < end; i++) {
      int digit = Character.digit((char) (in.getByte(i) & 0xff), 16);
      if (digit < 0) {
        break;
      }
      if (i - start == MAX_SIZE_DIGITS) {
        throw new MalformedChunkedBody("chunk size of more than " + MAX_SIZE_DIGITS + " hex digits");
      }
      size = size << 4 | digit;
    }
    if (i == start) {
      throw new MalformedChunkedBody("chunk size is not a hex number");
    }
    if (size < 0 || size > MAX_CHUNK) {
      throw new MalformedChunkedBody("chunk size overflows (more than " + MAX_CHUNK + " bytes)");
    }
    if (i < end) {
      checkExtensions(in, i, end);
    }
    return size;
  }

  /** Whitespace then {@code ;}, and no control bytes but HTAB: extensions are allowed and ignored. */
  private static void checkExtensions(ByteBuf in, int start, int end) {
    int i = start;
    while (i < end && isBlank(in.getByte(i))) {
      i++;
    }
    if (i == end || in.getByte(i) != ';') {
      throw new MalformedChunkedBody("chunk size is not a hex number");
    }
    for (; i < end; i++) {
      if (isControl(in.getByte(i))) {
        throw new MalformedChunkedBody("control byte in a chunk extension");
      }
    }
  }

  /** {@code field-name ":" OWS field-value OWS}, no obsolete line folding, no control bytes. */
  private static void checkTrailerField(ByteBuf in, int start, int end) {
    int colon = in.indexOf(start, end, (byte) ':');
    if (colon <= start || !ConfigReader.isToken(in.toString(start, colon - start, StandardCharsets.US_ASCII))) {
      throw new MalformedChunkedBody("malformed trailer field");
    }
    for (int i = colon + 1; i < end; i++) {
      if (isControl(in.getByte(i))) {
        throw new MalformedChunkedBody("control byte in a trailer field");
      }
    }
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  private static boolean isControl(byte b) {
    return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7f;
  }
}
