package dev.portico.plugins.headers;

import dev.portico.plugins.headers.HeadersConfig.Changes;
import dev.portico.plugins.headers.HeadersConfig.Header;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Template;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code headers} transformer: removes, sets and adds request headers before the backend and
 * response headers after it, in that order, with values written as {@link Template}s.
 *
 * <pre>{@code
 * - headers:
 *     request:
 *       remove: [Authorization]
 *       set: { X-User: "${principal.id}", X-Tenant: "${request.header.X-Tenant!}" }
 *       add: { Via: "portico" }
 *     response:
 *       set: { X-Correlation-Id: "${requestId}" }
 * }</pre>
 *
 * <ul>
 *   <li>Every value is rendered from the request as it was when the policy ran, before any of its
 *       own changes: {@code remove: [Authorization]} with {@code set: {X-Auth:
 *       "${request.header.Authorization}"}} moves the header.</li>
 *   <li>A {@code set} whose value renders empty removes the header (so a client cannot pass its own
 *       {@code X-User} where the principal has none); an {@code add} that renders empty adds
 *       nothing. A required value ({@code ${...!}}) that is missing answers 400 naming it.</li>
 *   <li>A rendered value holding CR, LF or another control character answers 400.</li>
 *   <li>{@code Content-Length} and the hop-by-hop headers ({@code Connection}, {@code Transfer-Encoding},
 *       ...) belong to the gateway and cannot be changed.</li>
 * </ul>
 */
public final class HeadersFactory implements PolicyFactory<HeadersConfig> {

  /** Headers the gateway manages: message framing and the hop-by-hop headers (RFC 9110 §7.6.1). */
  private static final Set<String> MANAGED = Set.of(
      "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
      "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate");

  @Override
  public String name() {
    return "headers";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.TRANSFORMER;
  }

  @Override
  public HeadersConfig parse(ConfigReader config) {
    return new HeadersConfig(changes(config, "request"), changes(config, "response"));
  }

  @Override
  public Policy create(HeadersConfig config, PolicyEnvironment env) {
    return new HeadersTransformer(config);
  }

  private static Changes changes(ConfigReader config, String side) {
    ConfigReader reader = config.object(side);
    if (reader == null) {
      return Changes.NONE;
    }
    List<String> remove = new ArrayList<>();
    List<String> names = reader.strings("remove", List.of());
    for (int i = 0; i < names.size(); i++) {
      if (isChangeable(reader, "remove[" + i + "]", names.get(i))) {
        remove.add(names.get(i));
      }
    }
    List<Header> set = headers(reader, "set");
    List<Header> add = headers(reader, "add");
    reader.finish();
    return new Changes(remove, set, add);
  }

  private static List<Header> headers(ConfigReader reader, String key) {
    List<Header> headers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, String> entry : reader.stringMap(key).entrySet()) {
      String name = entry.getKey();
      String where = key + "." + name;
      if (!isChangeable(reader, where, name)) {
        continue;
      }
      String problem = null;
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        problem = "appears twice (header names are case-insensitive)";
      } else if (hasControlChar(entry.getValue())) {
        problem = "must not contain CR, LF or other control characters";
      }
      if (problem != null) {
        reader.problem(where, problem);
        continue;
      }
      try {
        headers.add(new Header(name, Template.parse(entry.getValue(), false)));
      } catch (IllegalArgumentException e) {
        reader.problem(where, e.getMessage());
      }
    }
    return headers;
  }

  /** Whether the header {@code name} may be changed; reports why not at {@code where} otherwise. */
  private static boolean isChangeable(ConfigReader reader, String where, String name) {
    if (name.isEmpty()) {
      reader.problem(where, "a header name must not be empty");
      return false;
    }
    if (!reader.checkHeaderName(where, name)) {
      return false;
    }
    if (MANAGED.contains(name.toLowerCase(Locale.ROOT))) {
      reader.problem(where, "'" + name + "' is managed by the gateway and cannot be changed");
      return false;
    }
    return true;
  }

  private static boolean hasControlChar(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
