package dev.portico.plugins.rewrite;

import dev.portico.plugins.rewrite.RewriteConfig.QueryParam;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code rewrite} transformer: replaces the path sent to the backend and sets or removes query
 * parameters, before the integration URI is built.
 *
 * <pre>{@code
 * - path: /v1/pets/{id}
 *   integration: { type: http, uri: "${stage.backend}/pets/{id}" }
 *   policies:
 *     - rewrite:
 *         path: "/v2/animals/${request.path.id}"          # the backend gets /v2/animals/7
 *         query:
 *           remove: [debug]
 *           set: { tenant: "${principal.tenant}", v: "2" }
 * }</pre>
 *
 * <ul>
 *   <li>{@code path} replaces the integration URI's path (its query, if any, is kept). Literal
 *       text is sent as written; placeholder values are percent-encoded, except
 *       {@code ${request.path...}}, already encoded as the client sent it. Dot segments are
 *       resolved; a {@code ..} that would climb above the text before the first placeholder is
 *       refused (400), see {@link BackendPath}.</li>
 *   <li>{@code query.remove} runs before {@code query.set}; every value is rendered from the request
 *       as it came, so {@code remove: [q]} with {@code set: {search: "${request.query.q}"}} renames
 *       a parameter. A {@code set} that renders empty removes the parameter, so a client cannot
 *       pass its own where the template has no value.</li>
 *   <li>A required value ({@code ${...!}}) that is missing answers 400 naming it.</li>
 * </ul>
 */
public final class RewriteFactory implements PolicyFactory<RewriteConfig> {

  @Override
  public String name() {
    return "rewrite";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.TRANSFORMER;
  }

  @Override
  public RewriteConfig parse(ConfigReader config) {
    BackendPath path = null;
    if (config.has("path")) {
      String text = config.string("path", null);
      if (text != null) {
        try {
          path = BackendPath.parse(text);
        } catch (IllegalArgumentException e) {
          config.problem("path", e.getMessage());
        }
      }
    }
    List<String> remove = new ArrayList<>();
    List<QueryParam> set = new ArrayList<>();
    ConfigReader query = config.object("query");
    if (query != null) {
      List<String> names = query.strings("remove", List.of());
      for (int i = 0; i < names.size(); i++) {
        if (names.get(i).isEmpty()) {
          query.problem("remove[" + i + "]", "a parameter name must not be empty");
        } else {
          remove.add(names.get(i));
        }
      }
      for (Map.Entry<String, String> entry : query.stringMap("set").entrySet()) {
        String name = entry.getKey();
        if (name.isEmpty()) {
          query.problem("set", "a parameter name must not be empty");
          continue;
        }
        try {
          set.add(new QueryParam(name, Template.parse(entry.getValue(), false)));
        } catch (IllegalArgumentException e) {
          query.problem("set." + name, e.getMessage());
        }
      }
      query.finish();
    }
    if (!config.json().containsKey("path") && query == null) {
      config.problem("set 'path', 'query' or both: otherwise the policy does nothing");
    }
    return new RewriteConfig(path, remove, set);
  }

  @Override
  public Policy create(RewriteConfig config, PolicyEnvironment env) {
    return new RewriteTransformer(config);
  }
}
