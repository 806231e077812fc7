package dev.portico.plugins.body;

import dev.portico.spi.Authorizer;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Principal;
import io.vertx.core.Future;
import java.util.Map;

/** {@code test-user: {}}: an authorizer that lets every request in as alice of tenant acme, so templates can read a principal. */
final class TestUser implements PolicyFactory<Object> {

  @Override
  public String name() {
    return "test-user";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.AUTHORIZER;
  }

  @Override
  public Object parse(ConfigReader config) {
    return "alice";
  }

  @Override
  public Policy create(Object config, PolicyEnvironment env) {
    return (Authorizer) ctx -> Future.succeededFuture(Principal.of("alice", Map.of("tenant", "acme", "team", "blue team")));
  }
}
