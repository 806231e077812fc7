package dev.portico.examples.hello;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import java.util.Locale;
import java.util.Set;

/**
 * The plugin's entry point, found by the gateway through
 * {@code META-INF/services/dev.portico.spi.PolicyFactory} (which lists this class; a factory needs
 * a public no-argument constructor).
 *
 * <p>Used in {@code conf/portico.yaml} as
 *
 * <pre>{@code
 * policies:
 *   - hello: { greeting: "Hello from Portico", header: X-Greeting }
 * }</pre>
 *
 * <p>The gateway works with a factory in three steps:
 *
 * <ol>
 *   <li>{@link #name()} and {@link #kind()}, once, when it loads the plugin: the name the
 *       configuration uses and when in a request the policy runs;</li>
 *   <li>{@link #parse}, when it loads the configuration (and on {@code bin/portico validate}), once
 *       per place the policy is used: read, check, and bind the configuration to an immutable
 *       {@link HelloConfig};</li>
 *   <li>{@link #create}, once per distinct configuration: the resulting policy is shared by every
 *       event loop and every request.</li>
 * </ol>
 */
public final class HelloFactory implements PolicyFactory<HelloConfig> {

  /** The header set when the configuration names none. */
  public static final String DEFAULT_HEADER = "X-Hello";

  /** Headers the gateway itself manages: a greeting there would break the response. */
  private static final Set<String> RESERVED_HEADERS =
      Set.of("content-length", "transfer-encoding", "connection", "content-type", "x-request-id");

  /** Step 1: the name used in configurations; unique among the gateway's plugins. */
  @Override
  public String name() {
    return "hello";
  }

  /** Step 1: a transformer rewrites the request and/or the response; this one the response. */
  @Override
  public PolicyKind kind() {
    return PolicyKind.TRANSFORMER;
  }

  /**
   * Step 2: reads {@code greeting} (required) and {@code header} (default {@value #DEFAULT_HEADER}).
   *
   * <p>Every problem is reported through {@code config} with the key it concerns, never thrown, so
   * that the operator sees all of them at once, each with its place in the file, e.g.
   * {@code apis[0].routes[1].policies[0].hello.greeting: is required}. Any key this method does not
   * read is reported as unknown by the gateway afterwards, which catches typos such as
   * {@code greting}.
   */
  @Override
  public HelloConfig parse(ConfigReader config) {
    String greeting = config.requiredString("greeting");
    String header = config.string("header", DEFAULT_HEADER);

    if (greeting != null) {
      if (greeting.contains("${")) {
        // The headers plugin expands placeholders; this one does not, so say so rather than
        // sending "${principal.id}" to clients.
        config.problem("greeting", "must be plain text: the hello plugin does not expand ${...} placeholders");
      } else if (!isHeaderValue(greeting)) {
        config.problem("greeting", "must be printable text on one line");
      }
    }
    if (header != null) {
      if (!ConfigReader.isToken(header)) {
        config.problem("header", "must be a header name such as X-Hello (was '" + header + "')");
      } else if (RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
        config.problem("header", "must not be " + header + ", which the gateway manages");
      }
    }
    // When a problem was reported the gateway refuses the configuration and ignores what we return.
    return new HelloConfig(greeting, header);
  }

  /**
   * Step 3: builds the policy for a configuration {@link #parse} accepted. It must not block. Nothing here needs the {@link PolicyEnvironment} (Vert.x, the counter
   * store); a policy that keeps timers or clients would create them from it and release them in
   * {@link Policy#close()}.
   */
  @Override
  public Policy create(HelloConfig config, PolicyEnvironment env) {
    return new HelloTransformer(config);
  }

  /** Printable ASCII and spaces: no line breaks (header injection) and nothing a client may mangle. */
  static boolean isHeaderValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return !s.isBlank();
  }
}
