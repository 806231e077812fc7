package dev.portico.gateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain (docs/CONFIGURATION.md: SIGTERM drains): once {@code drain()} is called the gateway
 * accepts no new connection, a request in flight still completes, and then the drain completes.
 */
class ProxyDrainTest {

  @Test
  void requestInFlightCompletesWhileNewConnectionsAreRefused() throws Exception {
    CompletableFuture<HttpServerRequest> held = new CompletableFuture<>();
    try (Backend slow = Backend.start().handler(held::complete);
        TestGateway gw = TestGateway.start("""
            server:
              instances: 1
              drainTimeout: 10s
            apis:
              - name: drain
                basePath: /d
                routes:
                  - path: /slow
                    integration: { type: http, uri: "%s/slow", timeout: 10s }
            """.formatted(slow.url()))) {
      HttpClient client = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
          HttpRequest.newBuilder(gw.uri("/d/slow")).build(), HttpResponse.BodyHandlers.ofString());
      HttpServerRequest atBackend = held.get(5, TimeUnit.SECONDS);

      Future<Void> drained = gw.drain();
      assertTrue(refusesConnectionsWithin(gw.port(), 5000), "the listener still accepts connections while draining");
      assertFalse(drained.isComplete(), "the drain completed with a request in flight");
      assertFalse(inFlight.isDone(), "the request in flight was answered before the backend answered");

      atBackend.response().end("finally");
      HttpResponse<String> r = inFlight.get(5, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      assertEquals("finally", r.body());
      drained.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  /** Polls (bounded) until a connection to the port is refused. */
  private static boolean refusesConnectionsWithin(int port, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      } catch (ConnectException refused) {
        return true;
      } catch (IOException other) {
        // a timeout or reset: try again until the deadline
      }
      Thread.onSpinWait();
    }
    return false;
  }
}
