package dev.portico.gateway.state;

import java.util.List;

/**
 * A write the admin API refuses as a whole, with its HTTP status (400, 404, 409) and every problem
 * found, one line each, as {@code portico validate} would print them.
 */
public final class WriteRefused extends RuntimeException {

  private final int status;
  private final List<String> problems;

  public WriteRefused(int status, String message, List<String> problems) {
    super(message, null, false, false);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  public static WriteRefused notFound(String message) {
    return new WriteRefused(404, message, List.of());
  }

  public static WriteRefused invalid(String what, List<String> problems) {
    return new WriteRefused(400, what + ": " + String.join("; ", problems), problems);
  }

  public int status() {
    return status;
  }

  public List<String> problems() {
    return problems;
  }
}
