package dev.portico.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A backend that records the exact bytes of every complete request it receives (head as sent,
 * body de-chunked) and answers each with {@code 200 ok}, keep-alive. A request cut short (the
 * gateway reset it) is not recorded: it never reached the backend as a request.
 *
 * <pre>{@code
 * try (RecordingBackend backend = RecordingBackend.start()) {
 *   // integration uri: backend.url() + "/files/{proxy}"
 *   RecordingBackend.Request r = backend.next(Duration.ofSeconds(5));
 *   assertEquals("/files/a%C3%A9", r.target());
 *   assertTrue(backend.nothingWithin(Duration.ofMillis(300)));
 * }
 * }</pre>
 */
public final class RecordingBackend implements AutoCloseable {

  /** One request as it arrived. */
  public record Request(byte[] head, byte[] body) {

    /** The request target (the second word of the request line), byte for byte as ISO-8859-1. */
    public String target() {
      String line = headText().substring(0, headText().indexOf("\r\n"));
      return line.substring(line.indexOf(' ') + 1, line.lastIndexOf(' '));
    }

    public String headText() {
      return new String(head, StandardCharsets.ISO_8859_1);
    }

    /** The value of the one header of that name (case-insensitive), or null. */
    public String header(String name) {
      for (String line : headText().split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
  private final RawBackend server;

  private RecordingBackend() {
    this.server = RawBackend.start(this::serve);
  }

  public static RecordingBackend start() {
    return new RecordingBackend();
  }

  public String url() {
    return server.url();
  }

  /** The next complete request, waiting at most {@code within}; fails the test if none comes. */
  public Request next(Duration within) {
    try {
      Request r = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null) {
        throw new AssertionError("no request reached the backend within " + within);
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Whether no (further) complete request arrives within {@code within}. */
  public boolean nothingWithin(Duration within) {
    try {
      Request r = received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
      if (r != null) {
        received.add(r);
      }
      return r == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Forgets what was received so far. */
  public void clear() {
    received.clear();
  }

  private void serve(Socket socket) throws IOException {
    InputStream in = new BufferedInputStream(socket.getInputStream());
    OutputStream out = socket.getOutputStream();
    while (true) {
      String head = RawBackend.readHead(in);
      if (head == null) {
        return;
      }
      byte[] body = readBody(in, head);
      if (body == null) {
        return; // cut short: not a request
      }
      received.add(new Request(head.getBytes(StandardCharsets.ISO_8859_1), body));
      out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /** The body the head announces, or null when the connection ends before it does. */
  private static byte[] readBody(InputStream in, String head) throws IOException {
    String lower = head.toLowerCase(Locale.ROOT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (lower.contains("\r\ntransfer-encoding: chunked")) {
      while (true) {
        String sizeLine = line(in);
        if (sizeLine == null) {
          return null;
        }
        int semicolon = sizeLine.indexOf(';');
        long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
          String trailer;
          do {
            trailer = line(in);
            if (trailer == null) {
              return null;
            }
          } while (!trailer.isEmpty());
          return body.toByteArray();
        }
        if (!copy(in, body, size) || line(in) == null) {
          return null;
        }
      }
    }
    int at = lower.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return new byte[0];
    }
    long length = Long.parseLong(lower.substring(at + 17, lower.indexOf("\r\n", at + 2)).trim());
    return copy(in, body, length) ? body.toByteArray() : null;
  }

  private static boolean copy(InputStream in, ByteArrayOutputStream to, long n) throws IOException {
    for (long i = 0; i < n; i++) {
      int b = in.read();
      if (b < 0) {
        return false;
      }
      to.write(b);
    }
    return true;
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return null;
  }

  @Override
  public void close() {
    server.close();
  }
}
