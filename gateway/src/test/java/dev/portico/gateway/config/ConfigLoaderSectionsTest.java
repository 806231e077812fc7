package dev.portico.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML itself, and the server, admin, counters and plugins sections. */
class ConfigLoaderSectionsTest {

  static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  @TempDir
  Path dir;

  private LoadResult parse(String yaml) {
    return TestPolicies.loader(Map.of()).parse(yaml, dir);
  }

  private List<String> problems(String yaml) {
    return parse(yaml).problems();
  }

  @Test
  void emptyFileIsAValidConfigWithNoApisAndEveryDefault() {
    for (String empty : List.of("", "# nothing yet\n", "---\n")) {
      LoadResult result = parse(empty);

      assertEquals(List.of(), result.problems());
      GatewayConfig config = result.config();
      assertEquals(new ServerSettings(8080, "0.0.0.0", 0, 8 * 1024, 10 * 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(30), List.of(), null, true),
          config.server());
      assertEquals(new AdminSettings(9876, "127.0.0.1", ""), config.admin());
      assertEquals(new CounterSettings(null, "redis://127.0.0.1:6379", false, CounterSettings.DEFAULT_TIMEOUT), config.counters());
      assertEquals(new PluginSettings(Path.of("plugins")), config.plugins());
      assertEquals(List.of(), config.apis());
      assertEquals(List.of(), config.usagePlans());
      assertEquals(dir.toAbsolutePath().normalize(), config.baseDir());
    }
  }

  @Test
  void emptySectionsTakeTheirDefaults() {
    LoadResult result = parse("server:\nadmin: {}\ncounters:\nplugins: {}\napis: []\nusagePlans:\n");

    assertEquals(List.of(), result.problems());
    assertEquals(8080, result.config().server().port());
  }

  @Test
  void yamlSyntaxErrorIsOneProblemWithLineAndColumn() {
    assertEquals(List.of("line 3, column 10: mapping values are not allowed here"),
        problems("server:\n  port: 8080\n  host: a: b\n"));
    assertEquals(List.of("line 3, column 1: expected ',' or ']', but got <stream end>"),
        problems("server:\n  trustedProxies: [10.0.0.0/8\n"));
  }

  @Test
  void everyDuplicateKeyIsReportedWithItsPath() {
    String yaml = """
        server:
          port: 8080
          port: 8081
        admin:
          token: a
        admin:
          token: b
        """;

    assertEquals(List.of(
        "server.port: duplicate key (line 3; first at line 2)",
        "admin: duplicate key (line 6; first at line 4)"), problems(yaml));
  }

  @Test
  void configurationMustBeAMapInOneDocument() {
    assertEquals(List.of("line 1, column 1: the configuration must be a map of sections (server, admin, counters, plugins, apis, usagePlans)"),
        problems("- server\n"));
    assertEquals(List.of("line 3, column 1: only one YAML document is allowed (remove the second '---')"),
        problems("server: {}\n---\nadmin: {}\n"));
  }

  @Test
  void unknownKeysAreErrorsAtEveryLevel() {
    String yaml = """
        servers: {}
        server: { prot: 1, tls: { cert: a.pem, key: a.pem, chain: b.pem } }
        counters: { redis: { endpoint: "redis://r:6379", pasword: x } }
        """;
    write("a.pem", PEM);

    assertEquals(List.of(
        "server.tls.chain: unknown key",
        "server.prot: unknown key",
        "counters.redis.pasword: unknown key",
        "servers: unknown key"), problems(yaml));
  }

  @Test
  void serverSettingsAreRead() {
    String yaml = """
        server:
          port: 8443
          host: 127.0.0.1
          instances: 4
          maxHeaderSize: 16KB
          maxBodySize: 1MB
          drainTimeout: 250ms
          trustedProxies: [10.0.0.0/8, "::1"]
          accessLog: false
        """;

    ServerSettings server = parse(yaml).config().server();

    assertEquals(8443, server.port());
    assertEquals("127.0.0.1", server.host());
    assertEquals(4, server.instances());
    assertEquals(16 * 1024, server.maxHeaderSize());
    assertEquals(1024 * 1024, server.maxBodySize());
    assertEquals(Duration.ofMillis(250), server.drainTimeout());
    assertEquals(List.of("10.0.0.0/8", "::1"), server.trustedProxies().stream().map(Cidr::toString).toList());
    assertTrue(server.trustedProxies().get(0).contains("10.1.2.3"));
    assertEquals(false, server.accessLog());
  }

  @Test
  void serverProblemsAreAllReported() {
    String yaml = """
        server:
          port: 70000
          host: ""
          instances: -1
          maxHeaderSize: 8 kilobytes
          maxBodySize: 0
          drainTimeout: 10
          trustedProxies: [10.0.0.0/8, 10.0.0.0/33, proxy.local, 7]
          accessLog: maybe
        """;

    assertEquals(List.of(
        "server.port: must be a port number (0-65535) (was '70000')",
        "server.host: must not be empty",
        "server.instances: must be 0 (one per core) or a count up to 1024",
        "server.maxHeaderSize: must be a size such as 8KB or 10MB (was '8 kilobytes')",
        "server.maxBodySize: must be more than 0",
        "server.drainTimeout: must be a duration such as 250ms, 5s or 1m (was '10')",
        "server.trustedProxies[1]: prefix length out of range in '10.0.0.0/33'",
        "server.trustedProxies[2]: not an IP address block: 'proxy.local'",
        "server.trustedProxies[3]: must be an address block such as 10.0.0.0/8",
        "server.accessLog: must be true or false (was 'maybe')"), problems(yaml));
  }

  @Test
  void tlsFilesAreResolvedAgainstTheConfigDirectory() {
    write("certs/server.pem", PEM);
    write("certs/server.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");

    ServerSettings.Tls tls = parse("server: { tls: { cert: certs/server.pem, key: certs/server.key } }\n").config().server().tls();

    assertEquals(dir.resolve("certs/server.pem").normalize(), tls.cert());
    assertEquals(dir.resolve("certs/server.key").normalize(), tls.key());
  }

  @Test
  void tlsNeedsBothFilesToExistAndBePem() {
    write("notpem.txt", "hello");

    assertEquals(List.of("server.tls.cert: is required", "server.tls.key: is required"), problems("server: { tls: {} }\n"));
    assertEquals(List.of(
        "server.tls.cert: file not found: " + dir.resolve("missing.pem"),
        "server.tls.key: is not a PEM file (no '-----BEGIN' line): " + dir.resolve("notpem.txt")),
        problems("server: { tls: { cert: missing.pem, key: notpem.txt } }\n"));
  }

  @Test
  void adminAndServerCannotShareAPort() {
    assertEquals(List.of("admin.port: must differ from server.port (both are 8080)"), problems("admin: { port: 8080 }\n"));
    assertEquals(List.of(), problems("server: { host: 10.0.0.1 }\nadmin: { port: 8080, host: 127.0.0.1 }\n"));
  }

  @Test
  void adminTokenDefaultsToTheEnvironmentsPorticoAdminToken() {
    ConfigLoader loader = TestPolicies.loader(Map.of("PORTICO_ADMIN_TOKEN", "s3cret"));

    assertEquals("s3cret", loader.parse("admin: { port: 9000 }\n", dir).config().admin().token());
    assertEquals("s3cret", loader.parse("", dir).config().admin().token());
  }

  @Test
  void adminTokenIsEmptyWhenTheVariableIsUnsetOrEmpty() {
    assertEquals("", parse("admin: { port: 9000 }\n").config().admin().token());
    assertEquals("", TestPolicies.loader(Map.of("PORTICO_ADMIN_TOKEN", "")).parse("", dir).config().admin().token());
  }

  @Test
  void anAdminTokenWrittenInTheFileWinsOverTheEnvironment() {
    ConfigLoader loader = TestPolicies.loader(Map.of("PORTICO_ADMIN_TOKEN", "from-env"));

    assertEquals("from-file", loader.parse("admin: { token: from-file }\n", dir).config().admin().token());
    assertEquals("", loader.parse("admin: { token: \"\" }\n", dir).config().admin().token());
  }

  @Test
  void booleansAreTrueOrFalseAndOtherYamlSpellingsAreRefused() {
    assertEquals(List.of(), problems("server: { accessLog: true }\n"));
    assertEquals(false, parse("server: { accessLog: \"false\" }\n").config().server().accessLog());
    for (String spelling : List.of("yes", "no", "on", "off", "y", "n", "True", "FALSE", "Yes", "OFF")) {
      assertEquals(List.of("server.accessLog: must be true or false (was '" + spelling + "')"),
          problems("server: { accessLog: " + spelling + " }\n"), spelling);
    }
  }

  @Test
  void aBooleanFromTheEnvironmentIsRead() {
    ConfigLoader loader = TestPolicies.loader(Map.of("ACCESS_LOG", "false"));

    assertEquals(false, loader.parse("server: { accessLog: \"${env:ACCESS_LOG:-true}\" }\n", dir).config().server().accessLog());
    assertEquals(true, parse("server: { accessLog: \"${env:ACCESS_LOG:-true}\" }\n").config().server().accessLog());
    assertEquals(List.of("server.accessLog: must be true or false (was 'yes')"),
        TestPolicies.loader(Map.of("ACCESS_LOG", "yes")).parse("server: { accessLog: \"${env:ACCESS_LOG}\" }\n", dir).problems());
  }

  @Test
  void aStringKeyKeepsAYamlBooleanWordAsWritten() {
    // Jackson reads yes/on/True as booleans; a string key must see the word the user wrote.
    assertEquals("on", parse("plugins: { dir: on }\n").config().plugins().dir().toString());
  }

  @Test
  void countersAreRead() {
    CounterSettings counters = parse("counters: { store: redis, redis: { endpoint: \"rediss://cache:6380\" }, onStoreFailure: deny }\n")
        .config().counters();

    assertEquals(new CounterSettings("redis", "rediss://cache:6380", true, CounterSettings.DEFAULT_TIMEOUT), counters);
  }

  @Test
  void counterProblemsAreReportedWithoutEchoingTheEndpoint() {
    String yaml = "counters: { store: memcached, redis: { endpoint: \"http://:hunter2@cache\" }, onStoreFailure: block }\n";

    assertEquals(List.of(
        "counters.store: must be one of local, hazelcast, redis (was 'memcached')",
        "counters.redis.endpoint: must be a redis://host:port URI (or rediss://, unix://)",
        "counters.onStoreFailure: must be one of allow, deny (was 'block')"), problems(yaml));
  }

  @Test
  void pluginDirIsKeptRelativeAsWritten() {
    assertEquals(Path.of("extra/plugins"), parse("plugins: { dir: extra/plugins }\n").config().plugins().dir());
  }

  @Test
  void thePluginsSectionAloneIsReadAsTheWholeFileReadsIt() {
    Map<String, String> env = Map.of("PLUGINS", "/opt/portico-plugins");
    for (String yaml : List.of("", "plugins: {}\n", "plugins: { dir: extra/plugins }\n",
        "plugins: { dir: \"${env:PLUGINS}\" }\n", "plugins: { dir: \"${env:UNSET:-mine}/jars\" }\n")) {
      List<String> problems = new ArrayList<>();

      PluginSettings alone = ConfigLoader.pluginSettings(yaml, env, problems);

      assertEquals(List.of(), problems, yaml);
      assertEquals(new ConfigLoader(Map.of(), env).parse(yaml, dir).config().plugins(), alone, yaml);
    }
  }

  @Test
  void thePluginsSectionAloneReportsItsOwnProblemsAndANonYamlFileNothingElse() {
    String yaml = """
        server: { port: 70000, port: 1 }
        plugins: { dir: "", extra: 1, extra: 2 }
        apis: 3
        """;
    List<String> problems = new ArrayList<>();

    ConfigLoader.pluginSettings(yaml, Map.of(), problems);

    assertEquals(List.of(
        "plugins.extra: duplicate key (line 2; first at line 2)",
        "plugins.dir: must not be empty",
        "plugins.extra: unknown key"), problems);
    assertTrue(problems(yaml).containsAll(problems), () -> problems(yaml).toString());

    List<String> notYaml = new ArrayList<>();
    ConfigLoader.pluginSettings("plugins: [\n", Map.of(), notYaml);
    assertEquals(problems("plugins: [\n"), notYaml);
    assertEquals(1, notYaml.size(), notYaml::toString);
  }

  @Test
  void sectionOfTheWrongTypeIsReported() {
    assertEquals(List.of("server: must be a map", "apis: must be a list"), problems("server: 8080\napis: { petstore: {} }\n"));
  }

  @Test
  void loadReadsAFileAndTakesItsDirectoryAsBaseDir() throws IOException {
    write("conf/certs/c.pem", PEM);
    Path file = write("conf/portico.yaml", "server: { tls: { cert: certs/c.pem, key: certs/c.pem } }\n");

    LoadResult result = TestPolicies.loader(Map.of()).load(file);

    assertEquals(List.of(), result.problems());
    assertEquals(dir.resolve("conf").toAbsolutePath(), result.config().baseDir());
    assertEquals(dir.resolve("conf/certs/c.pem"), result.config().server().tls().cert());
  }

  @Test
  void unreadableFileIsOneProblemNamingIt() {
    Path missing = dir.resolve("nope.yaml");

    LoadResult result = TestPolicies.loader(Map.of()).load(missing);

    assertNull(result.config());
    assertEquals(List.of(missing + ": cannot read the configuration: no such file"), result.problems());
    assertEquals(List.of(dir + ": cannot read the configuration: it is a directory"),
        TestPolicies.loader(Map.of()).load(dir).problems());
  }

  private Path write(String name, String content) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
