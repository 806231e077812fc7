package dev.portico.gateway.server;

import dev.portico.gateway.config.ServerSettings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

/** The client-facing listener's options, from {@code server:}: what Vert.x does for us, and what it must not. */
final class ListenerOptions {

  private ListenerOptions() {}

  /** @param port overrides {@code server.port} when not null ({@code --port}) */
  static HttpServerOptions of(ServerSettings s, Integer port) {
    HttpServerOptions http = new HttpServerOptions()
        .setPort(port != null ? port : s.port())
        .setHost(s.host())
        .setMaxHeaderSize((int) Math.min(Integer.MAX_VALUE, s.maxHeaderSize()))
        .setHttp2ClearTextEnabled(false)
        .setHandle100ContinueAutomatically(true)
        // bodies pass through as the backend sent them: neither compressed nor decompressed here
        .setCompressionSupported(false)
        .setDecompressionSupported(false)
        .setTcpNoDelay(true);
    if (s.tls() != null) {
      http.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(s.tls().cert().toString()).setKeyPath(s.tls().key().toString()));
    }
    return http;
  }
}
