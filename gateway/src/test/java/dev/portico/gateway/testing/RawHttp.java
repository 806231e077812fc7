package dev.portico.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a raw loopback socket, for what a well-behaved client cannot send: malformed or
 * ambiguous framing, hop-by-hop headers, a chosen {@code Host}, several requests on one connection.
 * Bytes go out exactly as given; responses are parsed just enough to assert on.
 *
 * <pre>{@code
 * try (RawHttp http = RawHttp.connect(gw.port())) {
 *   http.send(RawHttp.crlf("""
 *       GET /pets/1 HTTP/1.1
 *       Host: api.example.com
 *
 *       """));
 *   RawHttp.Response r = http.read();
 *   assertEquals(200, r.status());
 *   assertTrue(http.awaitClosed(Duration.ofSeconds(1)) == false);  // still keep-alive
 * }
 * }</pre>
 *
 * Every read waits at most 10 s (the socket's read timeout) so a wrong gateway fails the test
 * instead of hanging it.
 */
public final class RawHttp implements AutoCloseable {

  private static final int READ_TIMEOUT_MILLIS = 10_000;

  /** A response head and its whole body (de-chunked). Header names are case-insensitive. */
  public record Response(int status, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header, or null. */
    public String header(String name) {
      List<String> values = headers.get(name);
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public boolean has(String name) {
      return headers.containsKey(name);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port}. */
  public static RawHttp connect(int port) {
    try {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      return new RawHttp(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A text block with its line ends turned into CRLF, as HTTP/1.1 wants them. */
  public static String crlf(String text) {
    return text.replace("\r\n", "\n").replace("\n", "\r\n");
  }

  /** Writes the text as ISO-8859-1 bytes, exactly as given. */
  public RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The raw output, e.g. to stream a large body after a head written with {@link #send}. */
  public OutputStream output() {
    return out;
  }

  /** The raw input, positioned after the last head or response read. */
  public InputStream input() {
    return in;
  }

  public Socket socket() {
    return socket;
  }

  /** Reads one whole response (the body by Content-Length, chunked, or to the end of the connection). */
  public Response read() {
    return read(false);
  }

  /** Reads one response to a HEAD request (no body, whatever its head says). */
  public Response readHeadResponse() {
    return read(true);
  }

  private Response read(boolean noBody) {
    try {
      Response head = readHead();
      int s = head.status();
      if (noBody || s / 100 == 1 || s == 204 || s == 304) {
        return head;
      }
      byte[] body;
      String te = head.header("Transfer-Encoding");
      String cl = head.header("Content-Length");
      if (te != null && te.toLowerCase().contains("chunked")) {
        body = readChunked();
      } else if (cl != null) {
        body = in.readNBytes(Integer.parseInt(cl.trim()));
      } else {
        body = in.readAllBytes();
      }
      return new Response(s, head.headers(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a response's status line and headers only; the body is left on {@link #input()}. */
  public Response readHead() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    String line;
    while ((line = line()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    return new Response(Integer.parseInt(parts[1]), headers, new byte[0]);
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line();
      if (sizeLine == null) {
        throw new IOException("connection closed inside a chunked body");
      }
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        String trailer;
        while ((trailer = line()) != null && !trailer.isEmpty()) {
          // trailers are not asserted on
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      line(); // the CRLF after the chunk
    }
  }

  /** One line without its CRLF; null at the end of the stream. */
  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /**
   * Whether the peer closes (or resets) the connection within {@code within}; false if it is still
   * open by then. Bytes arriving meanwhile fail the test: nothing more was expected.
   */
  public boolean awaitClosed(Duration within) {
    try {
      socket.setSoTimeout((int) Math.max(1, within.toMillis()));
      int b = in.read();
      if (b != -1) {
        byte[] rest = in.readNBytes(Math.min(in.available(), 200));
        throw new AssertionError("unexpected bytes on the connection: "
            + (char) b + new String(rest, StandardCharsets.ISO_8859_1));
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      } catch (SocketException ignored) {
        // closed
      }
    }
  }

  /** Closes with a TCP reset rather than a FIN, as a client that crashed or gave up would. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  /** Shortens a string for assertion messages. */
  static String clip(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  /** The response as text, for assertion messages. */
  public static String describe(Response r) {
    StringBuilder sb = new StringBuilder().append(r.status());
    r.headers().forEach((k, v) -> sb.append("\n").append(k).append(": ").append(String.join(", ", v)));
    return sb.append("\n\n").append(clip(r.text())).toString();
  }
}
