package dev.portico.gateway.testing;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.RequestContext;
import dev.portico.spi.Transformer;

/**
 * Small transformers for tests, as real plugin factories passed to {@code TestGateway.start(yaml,
 * factories...)} and configured in YAML with an empty map ({@code - reads-body: {}}).
 */
public final class TestTransformers {

  private TestTransformers() {}

  /** A transformer policy named {@code name}; every configuration of it is {@code transformer}. */
  public static PolicyFactory<Object> named(String name, Transformer transformer) {
    return new PolicyFactory<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PolicyKind kind() {
        return PolicyKind.TRANSFORMER;
      }

      @Override
      public Object parse(ConfigReader config) {
        return new Object();
      }

      @Override
      public Policy create(Object config, PolicyEnvironment env) {
        return transformer;
      }
    };
  }

  /** {@code reads-body}: asks to read the request body (up to 1 MiB), so its route buffers it. */
  public static PolicyFactory<Object> readsBody() {
    return named("reads-body", new Transformer() {
      @Override
      public long requestBodyLimit(RequestContext ctx) {
        return 1024 * 1024;
      }
    });
  }
}
