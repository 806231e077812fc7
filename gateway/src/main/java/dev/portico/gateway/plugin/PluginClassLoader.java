package dev.portico.gateway.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin jar.
 *
 * <p>Three sources, asked in this order:
 *
 * <ol>
 *   <li>the <em>shared</em> packages ({@link #SHARED_PACKAGES}) come from the gateway's class
 *       loader, so that the types crossing the boundary ({@code Future}, {@code JsonObject},
 *       {@code Buffer}, the SPI itself) are the very same {@code Class} objects on both sides, and
 *       singletons (Netty's buffer pools, the logging backend) exist once;</li>
 *   <li>the JDK, through the platform class loader (this loader's parent);</li>
 *   <li>the plugin's own jar, for everything else.</li>
 * </ol>
 *
 * <p>Nothing else of the gateway is visible: not its own classes, not picocli or logback, not the
 * other Vert.x modules. A plugin that needs a library carries it in its jar, in whatever version it
 * likes, without clashing with the gateway's or another plugin's copy. Resources follow the same
 * rule, so {@code META-INF/services/...} files come from the jar alone and the gateway's own
 * factories are not found a second time through a plugin.
 *
 * @implNote Built on {@link URLClassLoader} with the platform loader as parent, rather than on the
 *     application loader with the usual child-first override: with the application loader as
 *     parent, every class a plugin does not carry itself would silently fall through to the
 *     gateway's class path and the isolation would hold only by accident.
 */
final class PluginClassLoader extends URLClassLoader {

  /** Packages, as class-name prefixes, that every plugin shares with the gateway. */
  static final List<String> SHARED_PACKAGES =
      List.of("dev.portico.spi.", "io.vertx.core.", "io.netty.", "com.fasterxml.jackson.", "org.slf4j.");

  private static final List<String> SHARED_RESOURCE_PREFIXES =
      SHARED_PACKAGES.stream().map(p -> p.replace('.', '/')).toList();

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader application;

  /**
   * @param jar the plugin's jar
   * @param application the gateway's class loader, which supplies the shared packages
   */
  PluginClassLoader(Path jar, ClassLoader application) throws IOException {
    super("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    this.application = application;
  }

  static boolean isShared(String className) {
    for (String prefix : SHARED_PACKAGES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSharedResource(String name) {
    String path = name.startsWith("/") ? name.substring(1) : name;
    for (String prefix : SHARED_RESOURCE_PREFIXES) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (isShared(name)) {
      return application.loadClass(name);
    }
    // The platform loader first (the JDK cannot be overridden), then the jar; never the class path.
    return super.loadClass(name, resolve);
  }

  @Override
  public URL getResource(String name) {
    return isSharedResource(name) ? application.getResource(name) : super.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    return isSharedResource(name) ? application.getResources(name) : super.getResources(name);
  }
}
