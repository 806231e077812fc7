package dev.portico.gateway.plugin;

import java.util.List;

/**
 * The plugins could not be loaded. The message lists every problem found, one per line, each
 * naming the jar (or {@code classpath}) it concerns, so an operator can fix them all at once.
 *
 * <p>Checked: a bad plugins directory is an operator's mistake that the caller ({@code run},
 * {@code validate}, {@code plugins}) must turn into a refusal to start, not a bug.
 */
public final class PluginLoadException extends Exception {

  private final List<String> problems;

  public PluginLoadException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a plugin load failure has at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, one line each, in the order found. */
  public List<String> problems() {
    return problems;
  }
}
