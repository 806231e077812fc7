package dev.portico.gateway.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --api NAME}: the API that {@code deploy}, {@code deployments} and {@code stages} are about. */
final class ApiOption {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  private String name;

  @Option(names = "--api", required = true, paramLabel = "NAME", description = "The API")
  void name(String name) {
    if (name.isBlank()) {
      throw new ParameterException(command.commandLine(), "--api: must not be empty");
    }
    this.name = name;
  }

  String name() {
    return name;
  }

  /** {@code /apis/<name>}, encoded. */
  String path() {
    return AdminCommand.apiPath(name);
  }
}
