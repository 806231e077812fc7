package dev.portico.gateway.cli;

/** An admin API call that did not succeed; its message is the one line the command prints. */
final class AdminCallException extends Exception {

  AdminCallException(String message) {
    super(message, null, false, false);
  }
}
