package dev.portico.plugins.cors;

import dev.portico.spi.Authorizer;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.Principal;
import dev.portico.spi.Rejection;
import io.vertx.core.Future;

/** {@code test-token: {}}: an authorizer that allows {@code Authorization: Bearer ok} and answers 401 to anything else. */
final class TestToken implements PolicyFactory<Object> {

  @Override
  public String name() {
    return "test-token";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.AUTHORIZER;
  }

  @Override
  public Object parse(ConfigReader config) {
    return "ok";
  }

  @Override
  public Policy create(Object config, PolicyEnvironment env) {
    return (Authorizer) ctx -> "Bearer ok".equals(ctx.request().headers().get("Authorization"))
        ? Future.succeededFuture(Principal.of("alice"))
        : Future.failedFuture(Rejection.unauthorized("Unauthorized").header("WWW-Authenticate", "Bearer"));
  }
}
