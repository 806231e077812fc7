package dev.portico.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the admin API writes survives {@code kill -9} in the middle of writes: after a restart the
 * state is whole (the gateway starts and serves it), every acknowledged write is there, and
 * nothing newer than the last write sent.
 */
class AdminStateCrashIT {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String TOKEN = "crash-token";
  private static final int ROUNDS = 3;

  @TempDir Path tmp;

  @AfterEach
  void killLeftovers() {
    PorticoProcess.killLeftovers();
  }

  @Test
  void killedDuringWritesThenRestartedTheStateIsWholeAndHasEveryAcknowledgedWrite() throws Exception {
    Path config = Files.writeString(tmp.resolve("portico.yaml"), """
        admin: { token: %s }
        apis:
          - name: shop
            basePath: /shop
            stages: { prod: {} }
            routes:
              - path: /item
                integration: { type: mock, status: 200, body: { ok: true } }
        """.formatted(TOKEN));
    Path data = tmp.resolve("data");
    int acknowledged = 0;
    int sent = 0;
    for (int round = 0; round < ROUNDS; round++) {
      int port = PorticoProcess.freePort();
      int adminPort = PorticoProcess.freePort();
      PorticoProcess gateway = PorticoProcess.start(tmp, "run", "--config", config.toString(), "--port",
          String.valueOf(port), "--admin-port", String.valueOf(adminPort), "--data-dir", data.toString());
      gateway.awaitHttpOk(URI.create("http://127.0.0.1:" + adminPort + "/ready"), START_TIMEOUT);

      // what the previous rounds acknowledged is there, and nothing that was never sent
      if (round > 0) {
        JsonObject prod = call(adminPort, "GET", "/apis/shop/stages/prod", null).json();
        int saved = Integer.parseInt(prod.getJsonObject("variables").getString("n"));
        assertTrue(saved >= acknowledged && saved <= sent,
            "after kill -9: n=" + saved + ", acknowledged " + acknowledged + ", sent " + sent);
        assertEquals(200, PorticoProcess.statusOf(URI.create("http://127.0.0.1:" + port + "/prod/shop/item")));
        acknowledged = saved;
        sent = saved;
      }

      AtomicInteger lastAcked = new AtomicInteger(acknowledged);
      AtomicInteger lastSent = new AtomicInteger(sent);
      int from = sent;
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int n = from + 1; ; n++) {
          lastSent.set(n);
          try {
            Answer a = call(adminPort, "PUT", "/apis/shop/stages/prod", "{\"variables\": {\"n\": \"" + n + "\"}}");
            if (a.status() != 200) {
              throw new AssertionError("write " + n + " refused: " + a);
            }
            lastAcked.set(n);
            if (n % 7 == 0) {
              call(adminPort, "POST", "/apis/shop/deployments", "{\"description\": \"n" + n + "\"}");
            }
          } catch (java.io.IOException e) {
            return; // the gateway is gone
          }
        }
      });
      gateway.awaitCondition("writes to be acknowledged", START_TIMEOUT, () -> lastAcked.get() >= from + 30);
      gateway.kill();
      writer.get();
      acknowledged = lastAcked.get();
      sent = lastSent.get();
    }
    assertTrue(Files.exists(data.resolve("apis.json")));
  }

  private record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static Answer call(int adminPort, String method, String path, String body) throws java.io.IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> r = PorticoProcess.http().send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.IOException(e);
    }
  }
}
