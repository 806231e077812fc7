package dev.portico.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * What an integration answered: the head, and the body either as a paused stream (a backend) or
 * a buffer (a mock).
 *
 * @param headers as the backend sent them: hop-by-hop ones are dropped when they are copied on
 * @param cancel abandons the backend exchange (resets the stream so its connection is not left
 *     half-read); a no-op for a mock
 */
public record UpstreamResponse(
    int status, MultiMap headers, Buffer body, ReadStream<Buffer> stream, Runnable cancel) {}
