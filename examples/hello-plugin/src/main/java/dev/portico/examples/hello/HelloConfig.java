package dev.portico.examples.hello;

/**
 * The hello policy's configuration, bound once by {@link HelloFactory#parse} and never re-read per
 * request. A record: immutable, so the one policy built from it can be shared by every event loop
 * without locks.
 *
 * @param greeting the text sent to clients, e.g. {@code Hello from Portico}
 * @param header the response header that carries it, {@code X-Hello} by default
 */
public record HelloConfig(String greeting, String header) {}
