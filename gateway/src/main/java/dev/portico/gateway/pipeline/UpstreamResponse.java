package dev.portico.gateway.pipeline;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * What an integration answered: the head, and the body either as a paused stream (a backend) or
 * a buffer (a mock).
 *
 * @param headers end-to-end headers only (hop-by-hop ones already dropped)
 * @param cancel abandons the backend exchange (resets the stream so its connection is not left
 *     half-read); a no-op for a mock
 */
public record UpstreamResponse(
    int status, MultiMap headers, Buffer body, ReadStream<Buffer> stream, Runnable cancel) {}
