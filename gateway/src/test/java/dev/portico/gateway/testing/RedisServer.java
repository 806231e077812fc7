package dev.portico.gateway.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, started by the test. Without the binary the
 * test is skipped with a printed reason locally, and fails under CI ({@code CI=true}), where
 * {@code .ci/run} installs it.
 */
public final class RedisServer implements AutoCloseable {

  private final int port;
  private Process process;

  private RedisServer(int port) {
    this.port = port;
  }

  public static RedisServer start() {
    RedisServer server = new RedisServer(TestGateway.freePort());
    server.startProcess();
    return server;
  }

  private static boolean binaryPresent() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "redis-server"))) {
        return true;
      }
    }
    return false;
  }

  private void startProcess() {
    if (!binaryPresent()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("redis-server is not on the PATH; .ci/run should have installed it");
      }
      System.out.println("SKIPPED: redis-server is not on the PATH (apt-get install redis-server to run this test)");
      assumeTrue(false, "redis-server is not on the PATH");
    }
    try {
      process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--protected-mode", "no")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!ping()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        stop();
        throw new AssertionError("redis-server did not answer PING on port " + port);
      }
      Thread.onSpinWait();
    }
  }

  /** Whether the server answers PING now. */
  public boolean ping() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  public String endpoint() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Kills the server (as a crash would: no shutdown save). */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts a fresh, empty server on the same port. */
  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
  }
}
