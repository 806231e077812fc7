package dev.portico.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on loopback that is not a proper HTTP server: each accepted connection is handed to
 * the test's {@link Behaviour}, which may answer garbage, cut a response head short, reset the
 * connection, or say nothing. Connections stay open until the behaviour closes them or the backend
 * is closed.
 *
 * <pre>{@code
 * try (RawBackend garbage = RawBackend.start(socket -> {
 *   RawBackend.readHead(socket.getInputStream());
 *   socket.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(US_ASCII));
 * })) {
 *   // integration uri: garbage.url() + "/x"  ->  the client gets 502
 * }
 * }</pre>
 */
public final class RawBackend implements AutoCloseable {

  /** What to do with one accepted connection (runs on its own thread). */
  @FunctionalInterface
  public interface Behaviour {
    void serve(Socket connection) throws IOException;
  }

  private final ServerSocket server;
  private final Behaviour behaviour;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  private RawBackend(ServerSocket server, Behaviour behaviour) {
    this.server = server;
    this.behaviour = behaviour;
  }

  public static RawBackend start(Behaviour behaviour) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      RawBackend b = new RawBackend(server, behaviour);
      Thread t = new Thread(b::acceptLoop, "raw-backend-" + server.getLocalPort());
      t.setDaemon(true);
      t.start();
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.add(s);
      connections.incrementAndGet();
      Thread t = new Thread(() -> {
        try {
          behaviour.serve(s);
        } catch (IOException ignored) {
          // the gateway went away: fine for a misbehaving backend
        }
      }, "raw-backend-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Reads a request head (through the blank line) and returns it; null if the connection closed first. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int c;
    while ((c = in.read()) != -1) {
      head.write(c);
      matched = c == end[matched] ? matched + 1 : c == '\r' ? 1 : 0;
      if (matched == 4) {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  /** Closes with a TCP reset (RST) instead of an orderly FIN. */
  public static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  /** How many connections it has accepted. */
  public int connections() {
    return connections.get();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>} */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // already closed
    }
    for (Socket s : accepted) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
