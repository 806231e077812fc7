package dev.portico.gateway.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The path-and-query part of an integration URI, e.g. {@code /pets/{id}?full=true}, with
 * {@code ${stage.x}} already resolved for one stage; {@code {name}} parts are filled per request
 * from the route's path parameters, as the client sent them (still percent-encoded, so nothing is
 * decoded and re-encoded on the way).
 */
public final class UriTemplate {

  private final String[] literals; // literals[i] precedes params[i]; one more literal than params
  private final String[] params;
  private final boolean constant;
  private final String text;

  private UriTemplate(String[] literals, String[] params, String text) {
    this.literals = literals;
    this.params = params;
    this.constant = params.length == 0;
    this.text = text;
  }

  public static UriTemplate parse(String text) {
    List<String> lits = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int i = 0;
    StringBuilder lit = new StringBuilder();
    while (i < text.length()) {
      char c = text.charAt(i);
      int close = c == '{' ? text.indexOf('}', i) : -1;
      if (close > i + 1) {
        lits.add(lit.toString());
        lit.setLength(0);
        names.add(text.substring(i + 1, close));
        i = close + 1;
      } else {
        lit.append(c);
        i++;
      }
    }
    lits.add(lit.toString());
    return new UriTemplate(lits.toArray(new String[0]), names.toArray(new String[0]), text);
  }

  /** The parameter names referenced, in order. */
  public List<String> paramNames() {
    return List.of(params);
  }

  public String render(Map<String, String> values) {
    if (constant) {
      return literals[0];
    }
    StringBuilder sb = new StringBuilder(text.length() + 32);
    for (int i = 0; i < params.length; i++) {
      sb.append(literals[i]);
      String v = values.get(params[i]);
      if (v != null) {
        sb.append(v);
      }
    }
    sb.append(literals[literals.length - 1]);
    return sb.toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
