package dev.portico.gateway.testing;

/**
 * The API the admin API's tests change: {@code shop} at {@code /shop}, one route {@code /item}
 * whose mock answers {@code {"v": N}}, so a response says which version of the definition served
 * it; stages {@code $default} (follows the current definition) and {@code prod}.
 */
public final class ShopApi {

  private ShopApi() {}

  /** A configuration file with the admin token {@code token} and version 1 of the API. */
  public static String yaml(String token) {
    return """
        admin: { token: %s }
        apis:
          - name: shop
            basePath: /shop
            stages: { $default: {}, prod: {} }
            routes:
              - path: /item
                integration: { type: mock, status: 200, body: { v: 1 } }
        """.formatted(token);
  }

  /** Version {@code v} of the definition, as the body of {@code PUT /apis/shop}. */
  public static String version(int v) {
    return """
        {"basePath": "/shop", "stages": {"$default": {}, "prod": {}},
         "routes": [{"path": "/item", "integration": {"type": "mock", "status": 200, "body": {"v": %d}}}]}
        """.formatted(v);
  }
}
