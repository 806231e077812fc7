package dev.portico.spi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one object of the configuration and reports every problem with its path, so that a bad
 * configuration is refused with one line per problem, e.g.
 * {@code apis[0].routes[2].policies[0].rate-limit.rate: must be a positive number}.
 *
 * <p>Each getter records the key as known, checks the value's type and returns it (or the default
 * when the key is absent). A value of the wrong type is reported and the default returned, so a
 * parser can read on and report every problem at once. Keys never read are reported as unknown by
 * {@link #finish()}, which the gateway calls after {@link PolicyFactory#parse}.
 *
 * <pre>{@code
 * long rate = config.positiveLong("rate", 0);             // required: 0 is reported below
 * long burst = config.positiveLong("burst", rate);
 * Duration timeout = config.duration("timeout", Duration.ofSeconds(2));
 * if (burst < rate) config.problem("burst", "must be at least rate (" + rate + ")");
 * }</pre>
 *
 * <p>Durations are written {@code 250ms}, {@code 5s}, {@code 1m}, {@code 2h}, {@code 1d}; sizes
 * {@code 512B}, {@code 8KB}, {@code 10MB}, {@code 1GB} (powers of 1024) or a plain number of bytes;
 * booleans {@code true} or {@code false} (the strings {@code "true"} and {@code "false"} too, which
 * is what {@code ${env:...}} substitution yields).
 *
 * <p>A value that is not what a getter reads is echoed in the problem, e.g.
 * {@code rate-limit.rate: must be a positive number (was '-5')}, except under the factory's
 * {@link PolicyFactory#secretKeys() secret keys}, where it reads {@code (was REDACTED)}: problems
 * are printed and logged.
 */
public final class ConfigReader {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|K|M|G)?", Pattern.CASE_INSENSITIVE);

  private final JsonObject json;
  private final String path;
  private final List<String> problems;
  private final Path baseDir;
  private final Set<String> secretKeys;
  private final boolean allSecret;
  private final Set<String> read = new HashSet<>();

  /**
   * @param json the object to read; null reads as empty
   * @param path its path in the file, e.g. {@code apis[0].routes[2].policies[0].rate-limit}
   * @param problems where problems are added, one line each ({@code path.key: message})
   */
  public ConfigReader(JsonObject json, String path, List<String> problems) {
    this(json, path, problems, null);
  }

  /**
   * @param baseDir the directory of the configuration file, what {@link #resolve} resolves
   *     against; null for the working directory
   */
  public ConfigReader(JsonObject json, String path, List<String> problems, Path baseDir) {
    this(json, path, problems, baseDir, Set.of(), false);
  }

  /**
   * @param secretKeys keys of this object whose values must never appear in a problem (a policy's
   *     {@link PolicyFactory#secretKeys()}); a nested object read under one of them is secret whole
   */
  public ConfigReader(JsonObject json, String path, List<String> problems, Path baseDir, Set<String> secretKeys) {
    this(json, path, problems, baseDir, secretKeys, false);
  }

  private ConfigReader(JsonObject json, String path, List<String> problems, Path baseDir, Set<String> secretKeys, boolean allSecret) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
    this.problems = problems;
    this.baseDir = baseDir == null ? Path.of("").toAbsolutePath() : baseDir;
    this.secretKeys = Set.copyOf(secretKeys);
    this.allSecret = allSecret;
  }

  /**
   * Resolves a file named in the configuration (e.g. a schema's {@code file:}) against the
   * directory of the configuration file, so a parser can read it at load time; the same rule as
   * {@link PolicyEnvironment#resolve} at creation time.
   */
  public Path resolve(String file) {
    return baseDir.resolve(file).normalize();
  }

  /** The path of this object in the file. */
  public String path() {
    return path;
  }

  /** The path of one of this object's keys. */
  public String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The object as written (after {@code ${env:...}} substitution); reading it marks nothing. */
  public JsonObject json() {
    return json;
  }

  public boolean has(String key) {
    read.add(key);
    return json.containsKey(key) && json.getValue(key) != null;
  }

  /** Reports a problem with one of this object's keys. */
  public void problem(String key, String message) {
    problems.add(pathOf(key) + ": " + message);
  }

  /** Reports a problem with this object as a whole. */
  public void problem(String message) {
    problems.add(path + ": " + message);
  }

  /** Whether any problem has been reported so far, here or elsewhere in the file. */
  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /** Marks a key as known without reading it. */
  public void allow(String... keys) {
    Collections.addAll(read, keys);
  }

  /** Whether the value of a key must not be shown in a problem (see {@link #was}). */
  public boolean isSecret(String key) {
    return allSecret || secretKeys.contains(key);
  }

  /**
   * The end of a problem that echoes the value written at {@code key}: {@code " (was '5 seconds')"},
   * or {@code " (was REDACTED)"} when the key is {@linkplain #isSecret secret}. For a parser that
   * words its own problem:
   *
   * <pre>{@code
   * config.problem("algorithm", "must be RS256 or ES256" + config.was("algorithm"));
   * }</pre>
   */
  public String was(String key) {
    return isSecret(key) ? " (was REDACTED)" : " (was '" + json.getValue(key) + "')";
  }

  /** Reports every key that was never read as unknown. */
  public void finish() {
    for (String key : json.fieldNames()) {
      if (!read.contains(key)) {
        problem(key, "unknown key");
      }
    }
  }

  public String string(String key, String defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    problem(key, "must be a string");
    return defaultValue;
  }

  public String requiredString(String key) {
    String s = string(key, null);
    if (s == null || s.isEmpty()) {
      if (!json.containsKey(key)) {
        problem(key, "is required");
      } else if (s != null) {
        problem(key, "must not be empty");
      }
      return null;
    }
    return s;
  }

  /** One of {@code allowed} (case-sensitive), or the default when absent. */
  public String oneOf(String key, String defaultValue, String... allowed) {
    String s = string(key, null);
    if (s == null) {
      return defaultValue;
    }
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    problem(key, "must be one of " + String.join(", ", allowed) + was(key));
    return defaultValue;
  }

  /** {@code true} or {@code false}; {@code yes}, {@code on}, {@code 1} and the like are reported. */
  public boolean bool(String key, boolean defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    problem(key, "must be true or false" + was(key));
    return defaultValue;
  }

  public double number(String key, double defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem(key, "must be a number" + was(key));
    return defaultValue;
  }

  /** A number above zero; reports "must be a positive number" otherwise (also when absent and the default is not positive). */
  public double positiveNumber(String key, double defaultValue) {
    boolean present = json.getValue(key) != null;
    int before = problems.size();
    double d = number(key, defaultValue);
    if (problems.size() > before) {
      return defaultValue;
    }
    if (!(d > 0) || Double.isInfinite(d)) {
      if (present) {
        problem(key, "must be a positive number" + was(key));
      } else if (!(defaultValue > 0)) {
        problem(key, "must be a positive number");
      }
      return defaultValue;
    }
    return d;
  }

  public long integer(String key, long defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem(key, "must be a whole number" + was(key));
    return defaultValue;
  }

  /** A whole number above zero; reports "must be a positive number" otherwise (also when absent and the default is not positive). */
  public long positiveLong(String key, long defaultValue) {
    boolean present = json.getValue(key) != null;
    int before = problems.size();
    long n = integer(key, defaultValue);
    if (problems.size() > before) {
      return defaultValue;
    }
    if (n <= 0) {
      if (present) {
        problem(key, "must be a positive number" + was(key));
      } else if (defaultValue <= 0) {
        problem(key, "must be a positive number");
      }
      return defaultValue;
    }
    return n;
  }

  /** A port number, 0 to 65535. */
  public int port(String key, int defaultValue) {
    int before = problems.size();
    long p = integer(key, defaultValue);
    if (problems.size() > before) {
      return defaultValue;
    }
    if (p < 0 || p > 65535) {
      problem(key, "must be a port number (0-65535)" + was(key));
      return defaultValue;
    }
    return (int) p;
  }

  /** A duration such as {@code 250ms}, {@code 5s}, {@code 1m}, {@code 2h}, {@code 1d}. */
  public Duration duration(String key, Duration defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    Duration d = v instanceof String s ? parseDuration(s) : null;
    if (d == null) {
      problem(key, "must be a duration such as 250ms, 5s or 1m" + was(key));
      return defaultValue;
    }
    return d;
  }

  /**
   * A header name: an RFC 9110 token, one or more letters, digits or {@code !#$%&'*+-.^_`|~}.
   * Anything else (a space, a colon, an empty name) is reported and the default returned, so a
   * name that would make an invalid request or response never reaches a policy.
   *
   * <pre>{@code
   * String header = config.headerName("header", "X-API-Key");
   * // "X API Key" -> "...api-key.header: 'X API Key' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)"
   * }</pre>
   */
  public String headerName(String key, String defaultValue) {
    String name = string(key, null);
    if (name == null) {
      return defaultValue;
    }
    return checkHeaderName(key, name) ? name : defaultValue;
  }

  /**
   * Reports {@code name} at {@code key} unless it is a header name (see {@link #headerName}), for
   * names that are not the whole value of a key of their own: the items of a list, the keys of a
   * map, the part of a value after a prefix.
   *
   * <pre>{@code
   * List<String> names = config.strings("remove", List.of());
   * for (int i = 0; i < names.size(); i++) {
   *   if (config.checkHeaderName("remove[" + i + "]", names.get(i))) {
   *     remove.add(names.get(i));
   *   }
   * }
   * }</pre>
   *
   * @return whether {@code name} is a header name
   */
  public boolean checkHeaderName(String key, String name) {
    if (isToken(name)) {
      return true;
    }
    problem(key, "'" + name + "' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    return false;
  }

  /**
   * Whether {@code text} is an RFC 9110 token (section 5.6.2): one or more letters, digits or
   * {@code !#$%&'*+-.^_`|~}. Header names and methods are tokens; for a parser that words its own
   * problem, e.g.
   *
   * <pre>{@code
   * if (!ConfigReader.isToken(method)) config.problem("methods[" + i + "]", "'" + method + "' is not a valid method");
   * }</pre>
   */
  public static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** A size in bytes such as {@code 8KB}, {@code 10MB}, or a plain number of bytes. */
  public long size(String key, long defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    long n = v instanceof Number num && num.longValue() >= 0 ? num.longValue() : v instanceof String s ? parseSize(s) : -1;
    if (n < 0) {
      problem(key, "must be a size such as 8KB or 10MB" + was(key));
      return defaultValue;
    }
    return n;
  }

  /** A list of strings; a single string reads as a list of one. */
  public List<String> strings(String key, List<String> defaultValue) {
    Object v = value(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof JsonArray array) {
      List<String> out = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        Object item = array.getValue(i);
        if (item instanceof String s) {
          out.add(s);
        } else if (item instanceof Number || item instanceof Boolean) {
          out.add(String.valueOf(item));
        } else {
          problems.add(pathOf(key) + "[" + i + "]: must be a string");
        }
      }
      return List.copyOf(out);
    }
    problem(key, "must be a list of strings");
    return defaultValue;
  }

  /** A map of string to string (numbers and booleans are read as their text), in file order. */
  public Map<String, String> stringMap(String key) {
    Object v = value(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof JsonObject obj)) {
      problem(key, "must be a map");
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : obj) {
      Object item = e.getValue();
      if (item instanceof String || item instanceof Number || item instanceof Boolean) {
        out.put(e.getKey(), String.valueOf(item));
      } else {
        problems.add(pathOf(key) + "." + e.getKey() + ": must be a string");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** A nested object as a reader of its own (whose unknown keys the caller reports with {@link #finish()}), or null when absent. */
  public ConfigReader object(String key) {
    Object v = value(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject obj)) {
      problem(key, "must be a map");
      return null;
    }
    return new ConfigReader(obj, pathOf(key), problems, baseDir, Set.of(), isSecret(key));
  }

  /** The raw value of a key (a String, Number, Boolean, JsonObject or JsonArray), or null. */
  public Object value(String key) {
    read.add(key);
    return json.getValue(key);
  }

  /** Parses {@code 250ms}, {@code 5s}, {@code 1m}, {@code 2h}, {@code 1d}; null if malformed. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return null;
    }
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** Parses {@code 512B}, {@code 8KB}, {@code 10MB}, {@code 1GB} or a plain number; -1 if malformed. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return -1;
    }
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    long factor = switch (unit) {
      case "KB", "K" -> 1024L;
      case "MB", "M" -> 1024L * 1024;
      case "GB", "G" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    if (n > Long.MAX_VALUE / factor) {
      return -1;
    }
    return n * factor;
  }
}
