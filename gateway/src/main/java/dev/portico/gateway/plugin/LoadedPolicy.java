package dev.portico.gateway.plugin;

import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.util.Objects;

/**
 * A policy the gateway can use: its factory and where it came from.
 *
 * @param name the name configurations use for it ({@link PolicyFactory#name()})
 * @param kind what it creates ({@link PolicyFactory#kind()})
 * @param factory the plugin's factory
 * @param source the file name of the plugin jar that holds it, e.g. {@code portico-plugin-jwt.jar},
 *     or {@value #CLASSPATH} for a factory found on the gateway's own class path
 */
public record LoadedPolicy(String name, PolicyKind kind, PolicyFactory<?> factory, String source) {

  /** The {@link #source} of factories found on the application class path. */
  public static final String CLASSPATH = "classpath";

  public LoadedPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(source, "source");
  }
}
