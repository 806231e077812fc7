package dev.portico.gateway.cli;

import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.LoadResult;
import dev.portico.gateway.config.PluginSettings;
import dev.portico.gateway.plugin.LoadedPolicy;
import dev.portico.gateway.plugin.PluginLoadException;
import dev.portico.gateway.plugin.PolicyCatalog;
import dev.portico.gateway.server.GatewayServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code bin/portico}: run the gateway (the default), validate a configuration, list plugins, print
 * the version; {@code apis}, {@code deploy}, {@code deployments} and {@code stages} talk to a running gateway's
 * admin API. Exit codes: 0 success; 1 invalid configuration, failed start or refused admin call;
 * 2 usage error.
 */
@Command(name = "portico", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
    description = "Portico API gateway. Without a command, runs the gateway.",
    subcommands = {PorticoCli.Run.class, PorticoCli.Validate.class, PorticoCli.Plugins.class, PorticoCli.VersionCommand.class,
        TokenCommand.class, ApisCommand.class, DeployCommand.class, DeploymentsCommand.class, StagesCommand.class})
public final class PorticoCli implements Callable<Integer> {

  @Mixin
  RunOptions run = new RunOptions();

  private final Map<String, String> env;

  private PorticoCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The environment the commands read ({@code PORTICO_ADMIN_TOKEN}, ...). */
  Map<String, String> env() {
    return env;
  }

  @Override
  public Integer call() throws Exception {
    return run.run();
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != RunOptions.KEEP_RUNNING) {
      System.exit(code);
    }
  }

  static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line with {@code env} standing for the process's environment, for tests. */
  static CommandLine commandLine(Map<String, String> env) {
    return new CommandLine(new PorticoCli(env));
  }

  /** The home of the distribution: {@code -Dportico.home}, set by {@code bin/portico}, else the working directory. */
  static Path home() {
    return Path.of(System.getProperty("portico.home", ".")).toAbsolutePath().normalize();
  }

  /** Options shared by every command that reads a configuration. */
  static class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE", description = "The configuration (default: conf/portico.yaml)")
    Path config;

    Path file() {
      return config != null ? config : home().resolve("conf").resolve("portico.yaml");
    }

    /** Loads the plugins the configuration points at, then the configuration itself; prints problems. */
    Loaded load(PrintWriter err) {
      Path file = file();
      // read here rather than by loader.load(file): a reload compares with what was loaded
      String text = read(err);
      Path pluginsDir = text == null ? null : pluginsDir(text, err);
      if (pluginsDir == null) {
        return null;
      }
      PolicyCatalog catalog;
      try {
        catalog = PolicyCatalog.load(pluginsDir, PorticoCli.class.getClassLoader());
      } catch (PluginLoadException e) {
        err.println(e.getMessage());
        return null;
      }
      ConfigLoader loader = new ConfigLoader(catalog.factories(), System.getenv());
      LoadResult result = loader.parse(text, file.toAbsolutePath().normalize().getParent());
      if (!result.ok()) {
        result.problems().forEach(err::println);
        err.flush();
        catalog.close();
        return null;
      }
      return new Loaded(result.config(), catalog, loader, pluginsDir, text);
    }

    /** The configuration file's text; null once it has printed why there is none. */
    String read(PrintWriter err) {
      Path file = file();
      if (!Files.isRegularFile(file)) {
        err.println(file + ": no such configuration file");
        return null;
      }
      try {
        return Files.readString(file);
      } catch (IOException e) {
        err.println(file + ": cannot read the configuration: " + e.getMessage());
        return null;
      }
    }

    /**
     * The plugins directory: {@code plugins.dir} of the configuration, read as the whole
     * configuration is read, against the distribution's home. Null once it has printed the
     * problems that keep it from being known (the text is not YAML, the section is wrong).
     */
    Path pluginsDir(String text, PrintWriter err) {
      List<String> problems = new ArrayList<>();
      PluginSettings plugins = ConfigLoader.pluginSettings(text, System.getenv(), problems);
      if (!problems.isEmpty()) {
        problems.forEach(err::println);
        err.flush();
        return null;
      }
      return home().resolve(plugins.dir()).normalize();
    }
  }

  /**
   * A configuration loaded without problems.
   *
   * @param loader the loader that read it, with the plugins' factories: a reload uses it again
   * @param text the file as it was read
   */
  record Loaded(GatewayConfig config, PolicyCatalog catalog, ConfigLoader loader, Path pluginsDir, String text) {}

  /** {@code run}: the options of the default command. */
  static final class RunOptions extends ConfigOption {
    static final int KEEP_RUNNING = -1;
    private static final Logger log = LoggerFactory.getLogger("portico");

    @Option(names = "--cluster", description = "Join the Hazelcast cluster of conf/hazelcast.yaml")
    boolean cluster;

    @Option(names = "--port", paramLabel = "N", description = "Overrides server.port")
    Integer port;

    @Option(names = "--admin-port", paramLabel = "N", description = "Overrides admin.port")
    Integer adminPort;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Deployments and stage state (default: data/)")
    Path dataDir;

    @Option(names = "--watch", description = "Reload the configuration when its file changes (SIGHUP always reloads it)")
    boolean watch;

    /** How long the file's directory must stay quiet after a change before it is read again. */
    static final Duration WATCH_QUIET = Duration.ofMillis(300);

    int run() throws InterruptedException {
      PrintWriter err = new PrintWriter(System.err, true);
      Loaded loaded = load(err);
      if (loaded == null) {
        return 1;
      }
      Path data = dataDir != null ? dataDir : home().resolve("data");
      GatewayServer gateway;
      try {
        gateway = GatewayServer.start(loaded.config(), loaded.catalog().factories(), loaded.catalog().policies(),
                new GatewayServer.Options(port, adminPort, data,
                    cluster ? home().resolve("conf").resolve("hazelcast.yaml") : null))
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        // a failure without a message (an Error, a timeout) is named by its class, never "null"
        err.println("Portico could not start: "
            + java.util.Objects.requireNonNullElse(cause.getMessage(), cause.getClass().getSimpleName()));
        log.debug("start failure", cause);
        loaded.catalog().close();
        return 1;
      }
      ConfigReloader reloader = new ConfigReloader(file(), loaded.text(), loaded.loader(), loaded.pluginsDir(),
          gateway::reload);
      reloadOnSighup(reloader);
      ConfigFileWatcher watcher = watch ? watch(reloader) : null;
      CountDownLatch stopped = new CountDownLatch(1);
      SignalHandler drain = signal -> {
        log.info("received SIG{}", signal.getName());
        if (watcher != null) {
          watcher.close();
        }
        reloader.close();
        gateway.drain().onComplete(ar -> {
          loaded.catalog().close();
          stopped.countDown();
        });
      };
      Signal.handle(new Signal("TERM"), drain);
      Signal.handle(new Signal("INT"), drain);
      stopped.await();
      log.info("stopped");
      flushLogs();
      return 0;
    }

    private static void reloadOnSighup(ConfigReloader reloader) {
      try {
        SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> {
          log.info("received SIGHUP");
          reloader.request("SIGHUP");
        });
        if (previous == SignalHandler.SIG_IGN) {
          // started with SIGHUP ignored (nohup): the JVM keeps it ignored
          log.warn("SIGHUP is ignored by this process (started with nohup?): use --watch to reload the configuration");
        } else {
          log.info("kill -HUP {} reloads the configuration", ProcessHandle.current().pid());
        }
      } catch (IllegalArgumentException e) {
        log.warn("SIGHUP cannot be handled here ({}): use --watch to reload the configuration", e.getMessage());
      }
    }

    private ConfigFileWatcher watch(ConfigReloader reloader) {
      try {
        return ConfigFileWatcher.start(file(), WATCH_QUIET, () -> reloader.requestIfChanged("changed on disk"));
      } catch (IOException e) {
        log.error("cannot watch {} ({}): SIGHUP still reloads it", file(), e.getMessage());
        return null;
      }
    }
  }

  /** Stops logback so the access log's asynchronous queue is written out before the JVM exits. */
  static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.stop();
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class, description = "Run the gateway (the default command).")
  static final class Run implements Callable<Integer> {
    @Mixin
    RunOptions options = new RunOptions();

    @Override
    public Integer call() throws Exception {
      return options.run();
    }
  }

  @Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class,
      description = "Check a configuration: exit 0 if valid, else 1 with one line per problem.")
  static final class Validate implements Callable<Integer> {
    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Loaded loaded = config.load(spec.commandLine().getErr());
      if (loaded == null) {
        return 1;
      }
      loaded.catalog().close();
      spec.commandLine().getOut().println(config.file() + ": valid (" + loaded.config().apis().size() + " APIs)");
      return 0;
    }
  }

  @Command(name = "plugins", mixinStandardHelpOptions = true, versionProvider = PorticoCli.Version.class, description = "List the plugins found, their policies' names and kinds.")
  static final class Plugins implements Callable<Integer> {
    @Mixin
    ConfigOption config = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String text = config.read(err);
      Path dir = text == null ? null : config.pluginsDir(text, err);
      if (dir == null) {
        return 1;
      }
      try (PolicyCatalog catalog = PolicyCatalog.load(dir, PorticoCli.class.getClassLoader())) {
        out.printf("%-20s %-12s %s%n", "NAME", "KIND", "SOURCE");
        for (LoadedPolicy p : catalog.policies()) {
          out.printf("%-20s %-12s %s%n", p.name(), p.kind().label(), p.source());
        }
        out.flush();
        return 0;
      } catch (PluginLoadException e) {
        err.println(e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "version", description = "Print the version.")
  static final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("portico " + Version.number());
      return 0;
    }
  }

  /** The version baked in at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    static String number() {
      try (InputStream in = PorticoCli.class.getResourceAsStream("/dev/portico/gateway/version.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }

    @Override
    public String[] getVersion() {
      return new String[] {"portico " + number()};
    }
  }
}
