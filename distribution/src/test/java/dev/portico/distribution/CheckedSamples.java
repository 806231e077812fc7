package dev.portico.distribution;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Markdown file that are marked as checked, and how a sample is compared with
 * what was really printed. A marker is an HTML comment on the line before a fenced block, so
 * GitHub shows nothing of it:
 *
 * <pre>
 * &lt;!-- checked --&gt;               "$ command" lines, each followed by what it prints
 * &lt;!-- checked: log --&gt;          lines the gateway logs (compared without time and thread)
 * &lt;!-- checked: file NAME --&gt;    a file the checked commands below it use, written as shown
 * </pre>
 *
 * What may differ between runs is masked, in the sample and in the output alike: a request id
 * (32 lowercase hex digits) matches any other, {@code …} matches anything within a line, and
 * the JSON values of {@link #VOLATILE_KEYS} only need the same type.
 */
final class CheckedSamples {

  /** JSON keys whose values change on every run: only their type is compared. */
  static final Set<String> VOLATILE_KEYS = Set.of("time", "latencyMs", "upstreamMs");

  private static final Pattern MARKER = Pattern.compile("^<!-- checked(?::\\s*(log|file)\\s*(\\S*))?\\s*-->$");
  private static final Pattern MASKED = Pattern.compile("[0-9a-f]{32}|…");
  private static final Pattern LOG_PREFIX =
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} +(\\w+) +\\[[^]]*] +");

  private CheckedSamples() {}

  enum Kind { COMMANDS, LOG, FILE }

  /** One marked block: where it starts in the file (1-based, the fence's line) and its lines. */
  record Block(int line, Kind kind, String fileName, List<String> lines) {}

  /** One command of a {@link Kind#COMMANDS} block and the output the sample shows for it. */
  record Step(int line, String command, List<String> expected) {}

  /** The marked blocks of {@code markdown}, in order. */
  static List<Block> blocks(List<String> markdown) {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < markdown.size() - 1; i++) {
      Matcher marker = MARKER.matcher(markdown.get(i).strip());
      if (!marker.matches()) {
        continue;
      }
      if (!markdown.get(i + 1).startsWith("```")) {
        throw new IllegalArgumentException("line " + (i + 1) + ": a checked marker must be followed by a fenced block");
      }
      int end = i + 2;
      while (end < markdown.size() && !markdown.get(end).startsWith("```")) {
        end++;
      }
      Kind kind = marker.group(1) == null ? Kind.COMMANDS : Kind.valueOf(marker.group(1).toUpperCase(Locale.ROOT));
      blocks.add(new Block(i + 2, kind, marker.group(2), List.copyOf(markdown.subList(i + 2, end))));
      i = end;
    }
    return blocks;
  }

  /** The commands of a {@link Kind#COMMANDS} block; a line ending in {@code \} continues on the next. */
  static List<Step> steps(Block block) {
    List<Step> steps = new ArrayList<>();
    List<String> lines = block.lines();
    int i = 0;
    while (i < lines.size()) {
      if (!lines.get(i).startsWith("$ ")) {
        throw new IllegalArgumentException("README.md:" + (block.line() + 1 + i) + ": expected a \"$ command\" line");
      }
      int line = block.line() + 1 + i;
      StringBuilder command = new StringBuilder(lines.get(i).substring(2));
      while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
        command.setLength(command.length() - 1);
        command.append(' ').append(lines.get(++i).strip());
      }
      i++;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
        expected.add(lines.get(i++));
      }
      steps.add(new Step(line, command.toString(), withoutTrailingBlanks(expected)));
    }
    return steps;
  }

  static List<String> withoutTrailingBlanks(List<String> lines) {
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).isBlank()) {
      end--;
    }
    return List.copyOf(lines.subList(0, end));
  }

  /**
   * What differs between the output a sample shows and the real one; empty when they agree.
   * An HTTP response ({@code curl -i}) is compared by status line, header names (the same set,
   * in any order and case) and values, and body (JSON structurally); anything else line by line.
   */
  static List<String> differences(List<String> expected, List<String> actual) {
    if (!expected.isEmpty() && expected.get(0).startsWith("HTTP/")) {
      return httpDifferences(expected, actual);
    }
    return lineDifferences(expected, actual);
  }

  private static List<String> lineDifferences(List<String> expected, List<String> actual) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      String want = i < expected.size() ? expected.get(i) : null;
      String got = i < actual.size() ? actual.get(i) : null;
      if (want == null) {
        problems.add("line " + (i + 1) + ": the README shows nothing more, the gateway printed: " + got);
      } else if (got == null) {
        problems.add("line " + (i + 1) + ": the README shows \"" + want + "\", the gateway printed nothing more");
      } else if (!sameText(want, got)) {
        problems.add("line " + (i + 1) + ": the README shows \"" + want + "\", the gateway printed \"" + got + "\"");
      }
    }
    return problems;
  }

  private static List<String> httpDifferences(List<String> expected, List<String> actual) {
    List<String> problems = new ArrayList<>();
    if (actual.isEmpty() || !expected.get(0).equals(actual.get(0))) {
      problems.add("status: the README shows \"" + expected.get(0) + "\", the gateway answered \""
          + (actual.isEmpty() ? "" : actual.get(0)) + "\"");
      return problems;
    }
    Map<String, String> wantHeaders = headers(expected);
    Map<String, String> gotHeaders = headers(actual);
    wantHeaders.forEach((name, value) -> {
      String got = gotHeaders.get(name);
      if (got == null) {
        problems.add("header " + name + ": the README shows it, the gateway did not send it");
      } else if (!sameText(value, got)) {
        problems.add("header " + name + ": the README shows \"" + value + "\", the gateway sent \"" + got + "\"");
      }
    });
    gotHeaders.keySet().stream().filter(name -> !wantHeaders.containsKey(name))
        .forEach(name -> problems.add("header " + name + ": the gateway sent it, the README does not show it"));
    String wantBody = body(expected);
    String gotBody = body(actual);
    Object wantJson = json(wantBody);
    Object gotJson = json(gotBody);
    if (wantJson != null && gotJson != null) {
      jsonDifferences("body", wantJson, gotJson, problems);
    } else {
      lineDifferences(wantBody.lines().toList(), gotBody.lines().toList())
          .forEach(problem -> problems.add("body " + problem));
    }
    return problems;
  }

  /** The header lines between the status line and the blank line, by lowercase name. */
  private static Map<String, String> headers(List<String> response) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line : response.subList(1, response.size())) {
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    return headers;
  }

  private static String body(List<String> response) {
    int blank = response.indexOf("");
    return blank < 0 ? "" : String.join("\n", response.subList(blank + 1, response.size()));
  }

  /** {@code text} as JSON (object, array, ...), or null when it is not JSON. */
  static Object json(String text) {
    String trimmed = text.strip();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      return null;
    }
    try {
      return Json.decodeValue(trimmed);
    } catch (DecodeException e) {
      return null;
    }
  }

  /** Adds to {@code problems} where {@code got} differs from {@code want}, by JSON path. */
  static void jsonDifferences(String path, Object want, Object got, List<String> problems) {
    if (want instanceof JsonObject wantObject && got instanceof JsonObject gotObject) {
      for (String key : wantObject.fieldNames()) {
        if (!gotObject.containsKey(key)) {
          problems.add(path + "." + key + ": the README shows it, the gateway did not print it");
        } else if (VOLATILE_KEYS.contains(key)) {
          if (!sameType(wantObject.getValue(key), gotObject.getValue(key))) {
            problems.add(path + "." + key + ": the README shows a " + typeOf(wantObject.getValue(key))
                + ", the gateway printed " + gotObject.getValue(key));
          }
        } else {
          jsonDifferences(path + "." + key, wantObject.getValue(key), gotObject.getValue(key), problems);
        }
      }
      gotObject.fieldNames().stream().filter(key -> !wantObject.containsKey(key))
          .forEach(key -> problems.add(path + "." + key + ": the gateway printed it (" + gotObject.getValue(key)
              + "), the README does not show it"));
    } else if (want instanceof JsonArray wantArray && got instanceof JsonArray gotArray
        && wantArray.size() == gotArray.size()) {
      for (int i = 0; i < wantArray.size(); i++) {
        jsonDifferences(path + "[" + i + "]", wantArray.getValue(i), gotArray.getValue(i), problems);
      }
    } else if (!sameValue(want, got)) {
      problems.add(path + ": the README shows " + Json.encode(want) + ", the gateway printed " + Json.encode(got));
    }
  }

  private static boolean sameValue(Object want, Object got) {
    if (want instanceof String wantText && got instanceof String gotText) {
      return sameText(wantText, gotText);
    }
    if (want instanceof Number wantNumber && got instanceof Number gotNumber) {
      return new BigDecimal(wantNumber.toString()).compareTo(new BigDecimal(gotNumber.toString())) == 0;
    }
    return want == null ? got == null : want.equals(got);
  }

  private static boolean sameType(Object want, Object got) {
    return typeOf(want).equals(typeOf(got));
  }

  private static String typeOf(Object value) {
    return value instanceof Number ? "number" : value instanceof String ? "string" : String.valueOf(value);
  }

  /** Whether a line of output matches a line of a sample, request ids and {@code …} masked. */
  static boolean sameText(String want, String got) {
    return pattern(want).matcher(got).matches();
  }

  private static Pattern pattern(String sample) {
    StringBuilder regex = new StringBuilder();
    Matcher masked = MASKED.matcher(sample);
    int from = 0;
    while (masked.find()) {
      regex.append(Pattern.quote(sample.substring(from, masked.start())));
      regex.append(masked.group().equals("…") ? ".*" : "[0-9a-f]{32}");
      from = masked.end();
    }
    regex.append(Pattern.quote(sample.substring(from)));
    return Pattern.compile(regex.toString());
  }

  /**
   * How a sample's log line differs from the lines the gateway logged; empty when it is among
   * them. A JSON line (the access log) must equal one structurally, and is otherwise compared
   * with the closest; another line must match one once both lose their time and thread, which
   * differ on every run (the level, logger and message are compared).
   */
  static List<String> logDifferences(String sample, List<String> logged) {
    Object json = json(sample);
    if (json == null) {
      String want = withoutTimeAndThread(sample);
      return logged.stream().anyMatch(line -> sameText(want, withoutTimeAndThread(line)))
          ? List.of() : List.of("not among the lines the gateway logged");
    }
    List<String> closest = null;
    for (String line : logged) {
      Object got = json(line);
      if (got != null) {
        List<String> problems = new ArrayList<>();
        jsonDifferences("", json, got, problems);
        if (closest == null || problems.size() < closest.size()) {
          closest = problems;
        }
      }
    }
    return closest == null ? List.of("the gateway logged no JSON line") : closest;
  }

  private static String withoutTimeAndThread(String line) {
    return LOG_PREFIX.matcher(line).replaceFirst("$1 ");
  }
}
