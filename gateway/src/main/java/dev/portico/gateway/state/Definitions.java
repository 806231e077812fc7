package dev.portico.gateway.state;

import dev.portico.gateway.config.ApiDefinition;
import dev.portico.gateway.config.ConfigLoader;
import dev.portico.gateway.config.GatewayConfig;
import dev.portico.gateway.config.RouteConflicts;
import dev.portico.spi.PolicyFactory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The APIs the gateway serves and the admin API's writes to them, after the Amazon API Gateway
 * model: an API has a current definition; a deployment freezes it; a stage serves a deployment
 * (or, naming none, follows the current definition) with its own variables, and may send a share
 * of its requests to a canary deployment.
 *
 * <p>The configuration file's APIs are the initial definitions. Once the admin API writes an API
 * (its definition, a deployment, a stage), the {@link StateStore} owns it: it is kept in
 * {@code data/} (and the cluster), and the file's definition of it is ignored from then on, with a
 * warning at start and at every reload; an API only {@code data/} has is named at start and at
 * every reload too, since it is served whatever file the gateway is started with.
 *
 * <p>Every write is checked as the file is: the definition bound by the same code, each plugin
 * validating its configuration, routes checked against the other APIs', and every stage it
 * affects bound with its variables. A write with problems changes nothing.
 */
public final class Definitions {

  private static final Logger log = LoggerFactory.getLogger(Definitions.class);
  private static final Pattern STAGE_NAME = Pattern.compile("\\$default|[A-Za-z0-9_-]+");
  private static final Set<String> DEPLOY_FIELDS = Set.of("stage", "description");
  private static final int BOUND_CACHE_LIMIT = 2_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConfigLoader loader;
  private final MaskedSecrets secrets;
  private final StateStore store;
  private volatile GatewayConfig file;
  /** Definitions already bound, by path and content: binding runs every plugin's parser. */
  private final Map<String, ApiDefinition> bound = new ConcurrentHashMap<>();

  /**
   * @param factories the plugins' factories by policy name, to bind definitions and to know which
   *     configuration keys are secret
   */
  public Definitions(Map<String, PolicyFactory<?>> factories, StateStore store, GatewayConfig file) {
    this.secrets = new MaskedSecrets(factories);
    this.loader = new ConfigLoader(factories, Map.of());
    this.store = store;
    this.file = file;
  }

  public StateStore store() {
    return store;
  }

  /** The configuration file as last loaded: its APIs, and every setting outside them. */
  public GatewayConfig file() {
    return file;
  }

  /**
   * Takes a configuration file read again; its APIs that the admin API owns stay ignored (warned),
   * and the APIs served from {@code data/} alone are named ({@link #logOwnership}).
   *
   * @return how many of the file's APIs it serves
   */
  public int useFile(GatewayConfig reloaded) {
    this.file = reloaded;
    logOwnership();
    return (int) reloaded.apis().stream().filter(api -> !managed(api.name())).count();
  }

  /**
   * Logs where the APIs the admin API owns come from: a warning for each API of the file whose
   * definition is ignored, and a line for each API served from {@code data/}, saying whether the
   * file defines it too. The second matters to whoever starts the gateway with another
   * {@code --config} and still sees an API served: what the admin API wrote outlives any file.
   */
  public void logOwnership() {
    Map<String, ApiState> owned = store.states();
    Set<String> unreadable = store.unreadable();
    List<ApiDefinition> apis = file.apis();
    Set<String> inFile = new LinkedHashSet<>();
    for (int i = 0; i < apis.size(); i++) {
      String name = apis.get(i).name();
      inFile.add(name);
      ApiState state = owned.get(name);
      if (state != null) {
        log.warn("apis[{}] '{}' is {} through the admin API (kept in data/): the file's definition of it is ignored",
            i, name, state.deleted() ? "deleted" : "managed");
      } else if (unreadable.contains(name)) {
        log.warn("apis[{}] '{}' is managed through the admin API, but data/ holds it unreadable (see above): "
            + "the file's definition of it is ignored too", i, name);
      }
    }
    for (ApiState state : new TreeMap<>(owned).values()) {
      if (state.deleted()) {
        continue;
      }
      if (inFile.contains(state.name())) {
        log.info("serving '{}' from data/ (managed through the admin API), not from the configuration file", state.name());
      } else {
        log.info("serving '{}' from data/ (managed through the admin API): the configuration file does not define it",
            state.name());
      }
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The APIs served, in order: the file's (unless the admin API owns them), then the admin API's by name. */
  public List<ApiState> effective() {
    Map<String, ApiState> owned = store.states();
    Set<String> unreadable = store.unreadable();
    List<ApiState> out = new ArrayList<>();
    Set<String> fromFile = new LinkedHashSet<>();
    for (ApiDefinition api : file.apis()) {
      fromFile.add(api.name());
      ApiState state = owned.get(api.name());
      if (state != null) {
        if (!state.deleted()) {
          out.add(state);
        }
      } else if (!unreadable.contains(api.name())) {
        out.add(ApiState.created(api.name(), api.source()));
      }
    }
    for (ApiState state : new TreeMap<>(owned).values()) {
      if (!fromFile.contains(state.name()) && !state.deleted()) {
        out.add(state);
      }
    }
    return out;
  }

  /** The served API named {@code name}, or null. */
  public ApiState find(String name) {
    ApiState state = base(name, store.states().get(name));
    return state == null || state.deleted() ? null : state;
  }

  /** Whether the admin API owns {@code name} (rather than the configuration file). */
  public boolean managed(String name) {
    return store.states().containsKey(name) || store.unreadable().contains(name);
  }

  /** The current definition of a served API, bound; null if it no longer binds (logged when planned). */
  public ApiDefinition current(ApiState state) {
    ApiDefinition fromFile = fileApi(state);
    return fromFile != null ? fromFile
        : bind(named(state.definition(), state.name()), "apis." + state.name(), new ArrayList<>());
  }

  /** The file's definition when {@code state} is a file API the admin API never wrote, else null. */
  public ApiDefinition fileApi(ApiState state) {
    if (state.version() != 0 || store.states().containsKey(state.name())) {
      return null;
    }
    for (ApiDefinition api : file.apis()) {
      if (api.name().equals(state.name())) {
        return api;
      }
    }
    return null;
  }

  /** The stages of an API as the admin API shows them, with the variables each one serves with. */
  public List<JsonObject> stages(ApiState state) {
    ApiDefinition current = current(state);
    List<JsonObject> out = new ArrayList<>();
    for (String stage : stageNames(state, current)) {
      StageState s = state.stage(stage);
      JsonObject served = s.deploymentId() != null && state.deployment(s.deploymentId()) != null
          ? state.deployment(s.deploymentId()).definition() : state.definition();
      out.add(stageJson(state, stage, current, served));
    }
    return out;
  }

  private JsonObject stageJson(ApiState state, String stage, ApiDefinition current, JsonObject served) {
    StageState s = state.stage(stage);
    // where the stage serves: the base path of what it serves (a deployment may predate a change of it)
    String basePath = current != null ? current.basePath() : "";
    if (served != null && served.getValue("basePath") instanceof String written) {
      basePath = ("/" + written.trim()).replaceAll("/+", "/").replaceAll("/$", "");
    }
    JsonObject json = new JsonObject().put("name", stage)
        .put("path", (ApiDefinition.DEFAULT_STAGE.equals(stage) ? "" : "/" + stage) + basePath);
    if (s.deploymentId() != null) {
      json.put("deploymentId", s.deploymentId());
    }
    json.put("variables", new JsonObject(new LinkedHashMap<>(variables(state, stage, current, served))));
    if (s.canary() != null) {
      json.put("canary", s.canary().toJson());
    }
    return json;
  }

  // ---- what each stage serves (read by the serving package's StagePlanner) ----------------------

  /**
   * The API's current definition bound for serving, its problems added to {@code problems}; null
   * when it does not bind.
   */
  public ApiDefinition bindCurrent(ApiState state, List<String> problems) {
    return bind(named(state.definition(), state.name()), "apis." + state.name(), problems);
  }

  /** The stages an API has: those of its current definition, then those only its state names. */
  public static Set<String> stageNames(ApiState state, ApiDefinition current) {
    Set<String> names = new LinkedHashSet<>();
    if (current != null) {
      names.addAll(current.stages().keySet());
    }
    names.addAll(state.stages().keySet());
    return names;
  }

  /**
   * The definition one stage serves from {@code deploymentId} (null: the current one), bound with
   * that stage alone; null, with the reason in {@code problems}, when it cannot be served.
   */
  public ApiDefinition served(ApiState state, String stage, String deploymentId, ApiDefinition current,
      List<String> problems) {
    JsonObject served;
    String path = "apis." + state.name();
    if (deploymentId == null) {
      served = state.definition();
    } else {
      Deployment d = state.deployment(deploymentId);
      if (d == null) {
        problems.add(path + ".stages." + stage + ": deployment '" + deploymentId + "' does not exist");
        return null;
      }
      served = d.definition();
      path += ".deployments." + deploymentId;
    }
    Map<String, String> variables = variables(state, stage, current, served);
    JsonObject oneStage = named(served, state.name())
        .put("stages", new JsonObject().put(stage, new JsonObject().put("variables", new JsonObject(new LinkedHashMap<>(variables)))));
    return bind(oneStage, path + "[stage " + stage + "]", problems);
  }

  /** The stage's own variables if set, else the current definition's for the stage, else the served one's. */
  private static Map<String, String> variables(ApiState state, String stage, ApiDefinition current, JsonObject served) {
    StageState s = state.stage(stage);
    if (s.variables() != null) {
      return s.variables();
    }
    if (current != null && current.stages().containsKey(stage)) {
      return current.stages().get(stage).variables();
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (served != null && served.getValue("stages") instanceof JsonObject stages
        && stages.getValue(stage) instanceof JsonObject one && one.getValue("variables") instanceof JsonObject vars) {
      vars.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return out;
  }

  private ApiDefinition bind(JsonObject definition, String path, List<String> problems) {
    if (definition == null) {
      return null;
    }
    if (bound.size() > BOUND_CACHE_LIMIT) {
      bound.clear(); // definitions come and go with deployments: keep the cache from growing without end
    }
    // the upstreams a definition may name change with a reload: part of what it was bound against
    String key = path + '\u0000' + file.upstreamNames() + '\u0000' + definition.encode();
    ApiDefinition cached = bound.get(key);
    if (cached != null) {
      return cached;
    }
    List<String> own = new ArrayList<>();
    ApiDefinition api = loader.bindApi(definition, path, file.baseDir(), file.upstreamNames(), own);
    if (!own.isEmpty()) {
      problems.addAll(own);
      return null;
    }
    bound.put(key, api);
    return api;
  }

  private static JsonObject named(JsonObject definition, String name) {
    if (definition == null) {
      return null;
    }
    JsonObject copy = definition.copy();
    copy.put("name", name);
    return copy;
  }

  // ---- writes ---------------------------------------------------------------------------------

  /**
   * {@code PUT /apis/{name}}: replaces (or creates) the API's current definition.
   *
   * @return true when the API did not exist
   */
  public Future<Boolean> putDefinition(String name, JsonObject body) {
    List<String> problems = new ArrayList<>();
    if (body.containsKey("name") && !name.equals(body.getValue("name"))) {
      problems.add("name: must be '" + name + "', the API's name in the path (or left out)");
    }
    JsonObject definition = new JsonObject().put("name", name);
    body.forEach(e -> definition.put(e.getKey(), e.getValue()));
    definition.put("name", name);
    // what GET /apis/{name} adds, so that its answer can be edited and written back as it is
    definition.remove("managedBy");
    ApiState existing = find(name);
    secrets.unmask(definition, existing == null ? null : existing.definition(), problems);
    ApiDefinition api = loader.bindApi(definition.copy(), "", file.baseDir(), file.upstreamNames(), problems);
    if (problems.isEmpty()) {
      problems.addAll(conflicts(api));
    }
    if (!problems.isEmpty()) {
      return Future.failedFuture(WriteRefused.invalid("invalid API definition", problems));
    }
    AtomicBoolean created = new AtomicBoolean();
    return store.update(name, owned -> {
      ApiState base = base(name, owned);
      created.set(base == null || base.deleted());
      ApiState next = base == null ? ApiState.created(name, definition) : base.withDefinition(definition);
      check(next);
      return next;
    }).map(s -> created.get());
  }

  /** Routes of {@code api} that another served API already serves (per the current definitions). */
  private List<String> conflicts(ApiDefinition api) {
    List<ApiDefinition> all = new ArrayList<>();
    for (ApiState other : effective()) {
      if (!other.name().equals(api.name())) {
        ApiDefinition current = current(other);
        if (current != null) {
          all.add(current);
        }
      }
    }
    all.add(api);
    List<String> problems = new ArrayList<>();
    for (String problem : RouteConflicts.find(all)) {
      if (problem.startsWith("routes[")) {
        problems.add(problem + owner(problem, all));
      }
    }
    return problems;
  }

  /** " (API 'x')" for the API whose route a conflict names last, so the message says which one. */
  private static String owner(String problem, List<ApiDefinition> apis) {
    for (ApiDefinition api : apis) {
      for (var route : api.routes()) {
        if (route.configPath() != null && problem.endsWith(" " + route.configPath())) {
          return " (API '" + api.name() + "')";
        }
      }
    }
    return "";
  }

  /** {@code DELETE /apis/{name}}: the API stops being served, on every node, and stays deleted across restarts. */
  public Future<Void> delete(String name) {
    return store.update(name, owned -> {
      if (owned == null && store.unreadable().contains(name)) {
        return new ApiState(name, 1, null, List.of(), Map.of()); // a tombstone replaces what data/ held unreadable
      }
      ApiState base = base(name, owned);
      if (base == null || base.deleted()) {
        throw WriteRefused.notFound("no API named '" + name + "'");
      }
      return base.withDefinition(null);
    }).mapEmpty();
  }

  /**
   * {@code POST /apis/{name}/deployments}: freezes the current definition; when {@code stage} is
   * given, that stage serves the new deployment.
   */
  public Future<Deployment> deploy(String name, JsonObject body) {
    List<String> problems = new ArrayList<>();
    for (String key : body.fieldNames()) {
      if (!DEPLOY_FIELDS.contains(key)) {
        problems.add(key + ": unknown field (a deployment takes stage and description)");
      }
    }
    Object stageValue = body.getValue("stage");
    Object descriptionValue = body.getValue("description");
    if (stageValue != null && !(stageValue instanceof String s && STAGE_NAME.matcher(s).matches())) {
      problems.add("stage: a stage name must be $default or letters, digits, '_' or '-'");
    }
    if (descriptionValue != null && !(descriptionValue instanceof String)) {
      problems.add("description: must be a string");
    }
    if (!problems.isEmpty()) {
      return Future.failedFuture(WriteRefused.invalid("invalid deployment", problems));
    }
    String stage = (String) stageValue;
    AtomicReference<Deployment> made = new AtomicReference<>();
    return store.update(name, owned -> {
      ApiState base = base(name, owned);
      if (base == null || base.deleted()) {
        throw WriteRefused.notFound("no API named '" + name + "'");
      }
      JsonObject definition = base.definition();
      Deployment deployment = new Deployment(newId(base), Instant.now().truncatedTo(ChronoUnit.MILLIS),
          (String) descriptionValue, Deployment.hashOf(definition), definition);
      ApiState next = base.withDeployment(deployment);
      if (stage != null) {
        next = next.withStage(stage, next.stage(stage).withDeployment(deployment.id()));
      }
      check(next);
      made.set(deployment);
      return next;
    }).map(s -> made.get());
  }

  /**
   * {@code PUT /apis/{name}/stages/{stage}}: merges {@code body} into the stage; fields left out
   * keep their values, a null {@code deploymentId} follows the current definition again, null
   * {@code variables} take the definition's again, and a null {@code canary} removes it.
   *
   * @return the stage as {@link #stages} shows it
   */
  public Future<JsonObject> putStage(String name, String stage, JsonObject body) {
    List<String> problems = new ArrayList<>();
    if (!STAGE_NAME.matcher(stage).matches()) {
      problems.add("stage: a stage name must be $default or letters, digits, '_' or '-' (was '" + stage + "')");
    }
    StagePatch patch = StagePatch.read(body, problems);
    if (!problems.isEmpty()) {
      return Future.failedFuture(WriteRefused.invalid("invalid stage", problems));
    }
    AtomicReference<ApiState> after = new AtomicReference<>();
    return store.update(name, owned -> {
      ApiState base = base(name, owned);
      if (base == null || base.deleted()) {
        throw WriteRefused.notFound("no API named '" + name + "'");
      }
      ApiState next = base.withStage(stage, patch.applyTo(base.stage(stage), base));
      check(next);
      after.set(next);
      return next;
    }).map(s -> {
      ApiState state = after.get();
      StageState st = state.stage(stage);
      JsonObject served = st.deploymentId() != null ? state.deployment(st.deploymentId()).definition() : state.definition();
      return stageJson(state, stage, current(state), served);
    });
  }

  /**
   * What a write starts from: the admin API's state, else the file's definition, else null (also
   * when {@code data/} holds the API unreadable: a write starts it anew).
   */
  private ApiState base(String name, ApiState owned) {
    if (owned != null) {
      return owned;
    }
    if (store.unreadable().contains(name)) {
      return null;
    }
    for (ApiDefinition api : file.apis()) {
      if (api.name().equals(name)) {
        return ApiState.created(name, api.source());
      }
    }
    return null;
  }

  /**
   * Refuses a state the next start could not read back from {@code data/}, or one of whose stages
   * would not serve: a missing variable, a deployment that no longer binds.
   */
  private void check(ApiState next) {
    String unreadable = StateFile.whyUnreadable(next);
    if (unreadable != null) {
      throw WriteRefused.invalid("the API could not be read back from data/ at the next start", List.of(unreadable));
    }
    if (next.deleted()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    ApiDefinition current = bind(named(next.definition(), next.name()), "apis." + next.name(), problems);
    for (String stage : stageNames(next, current)) {
      StageState s = next.stage(stage);
      if (served(next, stage, s.deploymentId(), current, problems) != null
          && s.canary() != null && s.canary().percent() > 0) {
        served(next, stage, s.canary().deploymentId(), current, problems);
      }
    }
    if (!problems.isEmpty()) {
      throw WriteRefused.invalid("a stage would not serve", problems);
    }
  }

  private static String newId(ApiState state) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    while (true) {
      StringBuilder id = new StringBuilder(8);
      for (int i = 0; i < 8; i++) {
        id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
      }
      if (state.deployment(id.toString()) == null) {
        return id.toString();
      }
    }
  }
}
