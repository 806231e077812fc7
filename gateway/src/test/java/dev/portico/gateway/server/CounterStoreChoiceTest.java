package dev.portico.gateway.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.LoadResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code counters.store}: {@code local} and {@code redis} exist in this version, {@code hazelcast} only with {@code --cluster}. A shared store that is asked
 * for and not there must stop the start, not leave each node counting on its own.
 */
class CounterStoreChoiceTest {

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"hazelcast"})
  void hazelcastCountersWithoutTheClusterRefuseTheStartSayingSo(String store) throws Exception {
    LoadResult loaded = new ConfigLoader(Map.of(), Map.of()).parse("""
        server: { host: 127.0.0.1, instances: 1 }
        counters: { store: %s }
        apis:
          - name: a
            routes:
              - path: /x
                integration: { type: mock }
        """.formatted(store), dir);
    assertTrue(loaded.ok(), () -> String.join("\n", loaded.problems()));
    try {
      GatewayServer.start(loaded.config(), Map.of(), List.of(), new GatewayServer.Options(0, 0, dir.resolve("data")))
          .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS)
          .drain().toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      throw new AssertionError("started with counters.store: " + store);
    } catch (ExecutionException e) {
      String message = e.getCause().getMessage();
      assertTrue(message.contains("counters.store") && message.contains(store) && message.contains("--cluster"), message);
    }
  }
}
