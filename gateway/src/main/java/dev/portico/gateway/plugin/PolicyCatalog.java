package dev.portico.gateway.plugin;

import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every policy the gateway can use, by name: the factories on the application class path plus
 * those of each plugin jar, each jar behind a class loader of its own ({@link PluginClassLoader}).
 *
 * <pre>{@code
 * try (PolicyCatalog catalog = PolicyCatalog.load(Path.of("plugins"), Gateway.class.getClassLoader())) {
 *   PolicyFactory<?> jwt = catalog.factories().get("jwt");
 *   ...
 * } catch (PluginLoadException e) {
 *   e.problems().forEach(System.err::println);   // one line per problem, naming the jar
 * }
 * }</pre>
 *
 * <p>Loading is all or nothing: a jar that cannot be opened, a factory that cannot be
 * instantiated or describes itself badly, and two factories claiming the same name each refuse the
 * whole catalog, with every such problem listed. Silently picking one of two plugins of the same
 * name would make the gateway's behaviour depend on file names.
 *
 * <p>Closing the catalog closes the jars' class loaders; policies created from its factories must
 * have been closed before.
 */
public final class PolicyCatalog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyCatalog.class);

  private static final String SERVICE_FILE = "META-INF/services/" + PolicyFactory.class.getName();
  private static final String SHARED_HINT =
      "; a plugin sees only the JDK, its own jar and the packages it shares with the gateway ("
          + PluginClassLoader.SHARED_PACKAGES.stream()
              .map(p -> p.substring(0, p.length() - 1))
              .collect(Collectors.joining(", "))
          + "): shade its other dependencies into its jar";

  private final List<LoadedPolicy> policies;
  private final Map<String, PolicyFactory<?>> factories;
  private final List<PluginClassLoader> loaders;
  private boolean closed;

  private PolicyCatalog(List<LoadedPolicy> policies, List<PluginClassLoader> loaders) {
    this.policies = List.copyOf(policies);
    Map<String, PolicyFactory<?>> byName = new LinkedHashMap<>();
    for (LoadedPolicy p : this.policies) {
      byName.put(p.name(), p.factory());
    }
    this.factories = Collections.unmodifiableMap(byName);
    this.loaders = List.copyOf(loaders);
  }

  /**
   * Finds every policy factory: those {@link ServiceLoader} finds through {@code application}
   * (source {@value LoadedPolicy#CLASSPATH}: the gateway's own, an embedding application's, a
   * test's), then those of each {@code *.jar} directly in {@code pluginsDir}, in file-name order,
   * each jar with its own class loader. Other files in the directory are ignored, and a jar that
   * declares no factory is ignored with a warning.
   *
   * @param pluginsDir the plugins directory; null or absent means no plugin jars
   * @param application the gateway's class loader: it is searched for factories and supplies the
   *     packages plugins share with the gateway
   * @throws PluginLoadException listing every problem found, one per line, naming its jar
   */
  public static PolicyCatalog load(Path pluginsDir, ClassLoader application) throws PluginLoadException {
    Objects.requireNonNull(application, "application");
    List<String> problems = new ArrayList<>();
    List<Found> found = new ArrayList<>();
    List<PluginClassLoader> loaders = new ArrayList<>();
    try {
      discover(ServiceLoader.load(PolicyFactory.class, application), application,
          LoadedPolicy.CLASSPATH, LoadedPolicy.CLASSPATH, found, problems);
      for (Path jar : jars(pluginsDir, problems)) {
        if (!isPluginJar(jar, problems)) {
          continue;
        }
        PluginClassLoader loader;
        try {
          loader = new PluginClassLoader(jar, application);
        } catch (IOException e) {
          problems.add(jar + ": cannot be opened as a jar (" + e + ")");
          continue;
        }
        loaders.add(loader);
        discover(ServiceLoader.load(PolicyFactory.class, loader), loader,
            jar.getFileName().toString(), jar.toString(), found, problems);
      }
      refuseDuplicateNames(found, problems);
    } catch (RuntimeException | Error e) {
      closeAll(loaders);
      throw e;
    }
    if (!problems.isEmpty()) {
      closeAll(loaders);
      throw new PluginLoadException(problems);
    }
    List<LoadedPolicy> policies = found.stream()
        .map(Found::policy)
        .sorted(Comparator.comparing(LoadedPolicy::name))
        .toList();
    for (LoadedPolicy p : policies) {
      LOG.debug("policy {} ({}) from {}", p.name(), p.kind().label(), p.source());
    }
    return new PolicyCatalog(policies, loaders);
  }

  /** Every factory by its policy name, in name order. */
  public Map<String, PolicyFactory<?>> factories() {
    return factories;
  }

  /** Every policy, sorted by name. */
  public List<LoadedPolicy> policies() {
    return policies;
  }

  /**
   * Closes the plugin jars' class loaders (classes already loaded keep working; new ones can no
   * longer be loaded). Idempotent.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeAll(loaders);
    }
  }

  /** A policy and, for messages, where it was found (the jar's path, or "classpath"). */
  private record Found(LoadedPolicy policy, String location) {
    String describe() {
      return location + " (" + policy.factory().getClass().getName() + ")";
    }
  }

  private static List<Path> jars(Path dir, List<String> problems) {
    if (dir == null || !Files.exists(dir)) {
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      problems.add(dir + ": the plugins directory is not a directory");
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
          .sorted(Comparator.comparing(f -> f.getFileName().toString()))
          .toList();
    } catch (IOException | RuntimeException e) {
      problems.add(dir + ": cannot list the plugins directory (" + e + ")");
      return List.of();
    }
  }

  /**
   * Opens the jar once before a class loader does, so that a corrupt file is reported by name
   * rather than surfacing later as a missing class.
   */
  private static boolean isPluginJar(Path jar, List<String> problems) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (classPath != null && !classPath.isBlank()) {
        // URLClassLoader would follow it and load classes from outside the jar.
        problems.add(jar + ": its manifest has a Class-Path (" + classPath.trim()
            + "); a plugin is one self-contained jar: shade its dependencies in");
        return false;
      }
      if (file.getEntry(SERVICE_FILE) == null) {
        LOG.warn("{} declares no policy factory (no {}); ignored", jar, SERVICE_FILE);
        return false;
      }
      return true;
    } catch (IOException | RuntimeException e) {
      problems.add(jar + ": cannot be opened as a jar (" + e.getMessage() + ")");
      return false;
    }
  }

  @SuppressWarnings("rawtypes")
  private static void discover(
      ServiceLoader<PolicyFactory> services,
      ClassLoader contextLoader,
      String source,
      String location,
      List<Found> found,
      List<String> problems) {
    boolean isJar = !LoadedPolicy.CLASSPATH.equals(source);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // Libraries that look themselves up through the context loader while a factory is built
    // should find the plugin's own copy.
    thread.setContextClassLoader(contextLoader);
    try {
      Iterator<PolicyFactory> it = services.iterator();
      Set<String> reported = new HashSet<>();
      while (true) {
        PolicyFactory<?> factory;
        try {
          if (!it.hasNext()) {
            break;
          }
          factory = it.next();
        } catch (ServiceConfigurationError | LinkageError e) {
          String problem = location + ": " + describe(e, isJar);
          if (!reported.add(problem)) {
            break; // the iterator cannot get past this error
          }
          problems.add(problem);
          continue;
        }
        LoadedPolicy policy = describe(factory, source, location, problems);
        if (policy != null) {
          found.add(new Found(policy, location));
        }
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static LoadedPolicy describe(PolicyFactory<?> factory, String source, String location, List<String> problems) {
    String className = factory.getClass().getName();
    String name;
    PolicyKind kind;
    try {
      name = factory.name();
      kind = factory.kind();
    } catch (RuntimeException | LinkageError e) {
      problems.add(location + ": " + className + " cannot tell its name and kind: "
          + describe(e, !LoadedPolicy.CLASSPATH.equals(source)));
      return null;
    }
    boolean valid = true;
    if (name == null || name.isBlank()) {
      problems.add(location + ": " + className + ".name() is blank");
      valid = false;
    }
    if (kind == null) {
      problems.add(location + ": " + className + ".kind() is null");
      valid = false;
    }
    return valid ? new LoadedPolicy(name, kind, factory, source) : null;
  }

  private static void refuseDuplicateNames(List<Found> found, List<String> problems) {
    Map<String, List<Found>> byName = found.stream()
        .collect(Collectors.groupingBy(f -> f.policy().name(), TreeMap::new, Collectors.toList()));
    byName.forEach((name, candidates) -> {
      if (candidates.size() > 1) {
        problems.add("policy name '" + name + "' is provided more than once, by "
            + candidates.stream().map(Found::describe).collect(Collectors.joining(" and "))
            + ": remove all but one");
      }
    });
  }

  /** The error's own message plus its root cause's, e.g. "Provider x.F could not be instantiated (IllegalStateException: boom)". */
  private static String describe(Throwable e, boolean isJar) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String prefix = PolicyFactory.class.getName() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    if (!(e instanceof ServiceConfigurationError)) {
      message = e.getClass().getSimpleName() + ": " + message;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != e) {
      message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    if (isJar && (root instanceof NoClassDefFoundError || root instanceof ClassNotFoundException)) {
      message += SHARED_HINT;
    }
    return message;
  }

  private static void closeAll(List<PluginClassLoader> loaders) {
    for (PluginClassLoader loader : loaders) {
      try {
        loader.close();
      } catch (IOException e) {
        LOG.warn("cannot close {}: {}", loader.getName(), e.toString());
      }
    }
  }
}
