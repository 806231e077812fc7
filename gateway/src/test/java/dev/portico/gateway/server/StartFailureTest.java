package dev.portico.gateway.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartFailureTest {

  @TempDir
  Path dir;

  @Test
  void aPortInUseFailsTheStartAtOnceNamingThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      LoadResult loaded = new ConfigLoader(Map.of(), Map.of()).parse("""
          server: { host: 127.0.0.1, instances: 2 }
          apis:
            - name: a
              routes:
                - path: /x
                  integration: { type: mock }
          """, dir);
      assertTrue(loaded.ok(), () -> String.join("\n", loaded.problems()));
      ExecutionException failure = assertTimeoutPreemptively(Duration.ofSeconds(15), () -> {
        try {
          GatewayServer.start(loaded.config(), Map.of(), List.of(), new GatewayServer.Options(port, 0, dir.resolve("data")))
              .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
          throw new AssertionError("started on a port in use");
        } catch (ExecutionException e) {
          return e;
        }
      });
      String message = failure.getCause().getMessage();
      assertTrue(message.contains("127.0.0.1:" + port), message);
    }
  }
}
