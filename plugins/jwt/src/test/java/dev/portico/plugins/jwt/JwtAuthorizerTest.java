package dev.portico.plugins.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.gateway.testing.Backend;
import dev.portico.gateway.testing.BundledPlugins;
import dev.portico.gateway.testing.GatewayErrors;
import dev.portico.gateway.testing.RawHttp;
import dev.portico.gateway.testing.TestGateway;
import dev.portico.plugins.jwt.TestKeys.SigningKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code jwt} authorizer in a real gateway, against a real JWKS endpoint on loopback: what a
 * client with a good, a bad or no token sees.
 */
class JwtAuthorizerTest {

  private static final String ISSUER = "https://issuer.test";
  private static final String SECRET = "a-demo-secret-of-at-least-32-bytes!";

  private static SigningKey rsa;
  private static SigningKey ec;

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void keys() {
    rsa = SigningKey.rsa("rsa-1");
    ec = SigningKey.ec("ec-1");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private JwksServer jwks(SigningKey... keys) {
    JwksServer server = JwksServer.start(keys);
    open.add(server);
    return server;
  }

  /** A gateway with one route, {@code /t/me}, guarded by {@code jwt: <config>} (a YAML flow map). */
  private TestGateway gateway(String jwtConfig) {
    TestGateway gw = TestGateway.start("""
        apis:
          - name: t
            basePath: /t
            routes:
              - path: /me
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - jwt: %s
        """.formatted(jwtConfig));
    open.add(gw);
    return gw;
  }

  private String jwksConfig(JwksServer jwks) {
    return "{ jwksUri: \"" + jwks.url() + "\", issuer: \"" + ISSUER + "\", audience: [pets, other] }";
  }

  private static JsonObject good(String sub) {
    return TestKeys.claims(sub).put("iss", ISSUER).put("aud", "pets");
  }

  private HttpResponse<String> get(TestGateway gw, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gw.uri("/t/me")).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertInvalidToken(HttpResponse<String> r, String messagePart) {
    assertEquals(401, r.statusCode(), r.body());
    assertEquals("Bearer error=\"invalid_token\"", r.headers().firstValue("WWW-Authenticate").orElse(null));
    assertTrue(r.body().contains(messagePart), () -> "expected '" + messagePart + "' in " + r.body());
  }

  @Test
  void validRs256TokenFromTheJwksIsAllowed() throws Exception {
    JwksServer jwks = jwks(rsa, ec);
    TestGateway gw = gateway(jwksConfig(jwks));
    HttpResponse<String> r = get(gw, rsa.sign(good("alice")));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("{\"ok\":true}", r.body());
  }

  @Test
  void validEs256TokenFromTheJwksIsAllowed() throws Exception {
    JwksServer jwks = jwks(rsa, ec);
    TestGateway gw = gateway(jwksConfig(jwks));
    assertEquals(200, get(gw, ec.sign(good("alice"))).statusCode());
  }

  @Test
  void validHs256TokenWithTheSecretIsAllowed() throws Exception {
    TestGateway gw = gateway("{ secret: \"" + SECRET + "\" }");
    assertEquals(200, get(gw, TestKeys.hs256(SECRET, TestKeys.claims("alice"))).statusCode());
    assertInvalidToken(get(gw, TestKeys.hs256(SECRET + "x", TestKeys.claims("alice"))), "signature");
  }

  @Test
  void missingTokenIs401WithABearerChallenge() throws Exception {
    TestGateway gw = gateway("{ secret: \"" + SECRET + "\" }");
    HttpResponse<String> r = get(gw, null);
    assertEquals(401, r.statusCode());
    assertEquals("Bearer", r.headers().firstValue("WWW-Authenticate").orElse(null));
    assertTrue(r.body().contains("\"status\":401"), r.body());
  }

  @Test
  void expiredTokenIs401InvalidTokenBeyondTheLeeway() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks).replace("}", ", leeway: 30s }"));
    long now = System.currentTimeMillis() / 1000;
    assertInvalidToken(get(gw, rsa.sign(good("alice").put("exp", now - 31))), "expired");
    assertEquals(200, get(gw, rsa.sign(good("alice").put("exp", now - 20))).statusCode(), "within the leeway");
  }

  @Test
  void tokenNotYetValidIs401() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks).replace("}", ", leeway: 5s }"));
    long now = System.currentTimeMillis() / 1000;
    assertInvalidToken(get(gw, rsa.sign(good("alice").put("nbf", now + 60))), "not valid yet");
    assertInvalidToken(get(gw, rsa.sign(good("alice").put("iat", now + 60))), "issued in the future");
  }

  @Test
  void wrongIssuerIs401() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks));
    assertInvalidToken(get(gw, rsa.sign(good("alice").put("iss", "https://evil.test"))), "issuer");
    assertInvalidToken(get(gw, rsa.sign(good("alice").copy().put("iss", null))), "issuer");
  }

  @Test
  void wrongAudienceIs401AndAnyListedAudienceIsAccepted() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks));
    assertInvalidToken(get(gw, rsa.sign(good("alice").put("aud", "billing"))), "audience");
    assertEquals(200, get(gw, rsa.sign(good("alice").put("aud", new JsonArray().add("billing").add("other")))).statusCode());
  }

  @Test
  void badSignatureIs401() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks));
    String token = rsa.sign(good("alice"));
    String[] parts = token.split("\\.");
    String forged = parts[0] + "." + TestKeys.part(good("mallory")) + "." + parts[2];
    assertInvalidToken(get(gw, forged), "signature");
    SigningKey impostor = SigningKey.rsa("rsa-1");
    assertInvalidToken(get(gw, impostor.sign(good("alice"))), "signature");
  }

  @Test
  void algNoneIsNeverAccepted() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks));
    assertInvalidToken(get(gw, TestKeys.unsigned(good("alice"))), "not a signed JWT");
    String noneWithSignature = TestKeys.part(new JsonObject().put("alg", "none")) + "." + TestKeys.part(good("alice")) + ".c2ln";
    assertInvalidToken(get(gw, noneWithSignature), "'none' is not accepted");
    String twoParts = TestKeys.part(new JsonObject().put("alg", "none")) + "." + TestKeys.part(good("alice"));
    assertInvalidToken(get(gw, twoParts), "not a signed JWT");
  }

  @Test
  void tokenWithACritHeaderIsRefusedWhateverItsAlgorithmAndHoweverOftenItIsSent() throws Exception {
    JwksServer jwks = jwks(rsa, ec);
    TestGateway gw = gateway("{ jwksUri: \"" + jwks.url() + "\", secret: \"" + SECRET + "\", algorithms: [RS256, ES256, HS256] }");
    JsonObject claims = TestKeys.claims("mallory");
    // The same keys and claims without crit are allowed: only the crit member refuses the tokens below.
    assertEquals(200, get(gw, rsa.sign(claims)).statusCode());
    assertEquals(200, get(gw, ec.sign(claims)).statusCode());
    assertEquals(200, get(gw, TestKeys.hs256(SECRET, claims)).statusCode());

    List<JsonArray> crits = List.of(new JsonArray().add("exp"), new JsonArray().add("b64"), new JsonArray());
    for (JsonArray crit : crits) {
      List<String> tokens = List.of(
          rsa.signWithHeader(new JsonObject().put("alg", "RS256").put("kid", rsa.kid()).put("crit", crit).put("exp", 1), claims),
          ec.signWithHeader(new JsonObject().put("alg", "ES256").put("kid", ec.kid()).put("crit", crit).put("b64", true), claims),
          TestKeys.hs256(SECRET, new JsonObject().put("alg", "HS256").put("crit", crit).put("exp", 1), claims));
      for (String token : tokens) {
        // Twice: a token refused once is not remembered as verified the second time either.
        assertInvalidToken(get(gw, token), "crit");
        assertInvalidToken(get(gw, token), "crit");
      }
    }
  }

  @Test
  void twoAuthorizationHeadersAre400AndNeitherReachesTheBackend() throws Exception {
    Backend backend = Backend.start();
    open.add(backend);
    TestGateway gw = TestGateway.start("""
        apis:
          - name: t
            basePath: /t
            routes:
              - path: /me
                integration: { type: http, uri: "%s/me" }
                policies:
                  - jwt: { secret: "%s" }
        """.formatted(backend.url(), SECRET));
    open.add(gw);
    String alice = TestKeys.hs256(SECRET, TestKeys.claims("alice"));
    String mallory = TestKeys.hs256(SECRET, TestKeys.claims("mallory"));

    try (RawHttp http = RawHttp.connect(gw.port())) {
      // Both tokens are valid: the request is refused for carrying two, whatever the case of their names.
      http.send(RawHttp.crlf("""
          GET /t/me HTTP/1.1
          Host: 127.0.0.1
          Authorization: Bearer %s
          authorization: Bearer %s

          """.formatted(alice, mallory)));
      RawHttp.Response twice = http.read();
      JsonObject error = GatewayErrors.assertGatewayError(400, twice);
      assertEquals("Bad Request: more than one Authorization header", error.getString("message"));

      // The next request on the connection, with one header, is the first the backend sees.
      http.send(RawHttp.crlf("""
          GET /t/me HTTP/1.1
          Host: 127.0.0.1
          Authorization: Bearer %s

          """.formatted(alice)));
      assertEquals(200, http.read().status());
    }
    Backend.Received seen = backend.nextRequest();
    assertEquals(List.of("Bearer " + alice), seen.headers().getAll("Authorization"));
    assertEquals(0, backend.pending(), "the backend saw the refused request");
  }

  @Test
  void hs256TokenSignedWithTheRsaPublicKeyAsSecretIsRefused() throws Exception {
    JwksServer jwks = jwks(rsa);
    String confused = TestKeys.hs256(rsa.publicPem(), good("mallory"));
    // JWKS only: HS256 is not an accepted algorithm at all.
    TestGateway jwksOnly = gateway(jwksConfig(jwks));
    assertInvalidToken(get(jwksOnly, confused), "'HS256' is not accepted");
    // Both kinds accepted: an HS256 token is still only ever checked against the configured secret.
    TestGateway both = gateway("{ jwksUri: \"" + jwks.url() + "\", secret: \"" + SECRET + "\", algorithms: [RS256, HS256],"
        + " issuer: \"" + ISSUER + "\", audience: pets }");
    assertInvalidToken(get(both, confused), "signature");
    assertEquals(200, get(both, rsa.sign(good("alice"))).statusCode());
    assertEquals(200, get(both, TestKeys.hs256(SECRET, good("alice"))).statusCode());
  }

  @Test
  void unknownKidIsFetchedAtOnceSoARotatedKeyWorksWithoutARestart() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks));
    assertEquals(200, get(gw, rsa.sign(good("alice"))).statusCode());
    int before = jwks.fetches();

    SigningKey rotated = SigningKey.rsa("rsa-2");
    jwks.publish(rsa, rotated);
    assertEquals(200, get(gw, rotated.sign(good("bob"))).statusCode());
    assertEquals(before + 1, jwks.fetches(), "one fetch for the new kid");

    // Another unknown kid right after: the re-fetch is rate-limited (jwksMinRefetch, 10s by default).
    SigningKey stranger = SigningKey.rsa("rsa-3");
    assertInvalidToken(get(gw, stranger.sign(good("carol"))), "no key");
    assertEquals(before + 1, jwks.fetches(), "no fetch within jwksMinRefetch");
  }

  /** A gateway whose route runs {@code thread-mark}, then {@code jwt: <config>}, then {@code thread-check}. */
  private TestGateway probedGateway(int eventLoops, String jwtConfig, ThreadProbe.Mark mark) {
    TestGateway gw = TestGateway.start("""
        server:
          instances: %d
        apis:
          - name: t
            basePath: /t
            routes:
              - path: /me
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - thread-mark: {}
                  - jwt: %s
                  - thread-check: {}
        """.formatted(eventLoops, jwtConfig), mark, new ThreadProbe.Check());
    open.add(gw);
    return gw;
  }

  @Test
  void aBurstOfTokensWithAnUnknownKidWaitsOnOneFetch() throws Exception {
    JwksServer jwks = jwks(rsa);
    ThreadProbe.Mark mark = new ThreadProbe.Mark();
    TestGateway gw = probedGateway(1, jwksConfig(jwks), mark);
    assertEquals(200, get(gw, rsa.sign(good("alice"))).statusCode());
    int before = jwks.fetches();

    SigningKey rotated = SigningKey.rsa("rsa-2");
    jwks.publish(rsa, rotated).holdAnswers();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpRequest request = HttpRequest.newBuilder(gw.uri("/t/me"))
          .header("Authorization", "Bearer " + rotated.sign(good("user-" + i))).build();
      burst.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    // The issuer is slow: its answer is released once every request of the burst is waiting.
    assertTrue(jwks.awaitFetches(before + 1), "a fetch for the new kid");
    assertTrue(mark.arrived.tryAcquire(1 + burst.size(), 10, TimeUnit.SECONDS), "the burst reached the gateway");
    jwks.release();
    for (CompletableFuture<HttpResponse<String>> f : burst) {
      assertEquals(200, f.get(10, TimeUnit.SECONDS).statusCode());
    }
    assertEquals(before + 1, jwks.fetches(), "one fetch for the whole burst");
  }

  @Test
  void aRequestThatWaitedForAFetchStartedByAnotherEventLoopContinuesOnItsOwn() throws Exception {
    JwksServer jwks = jwks(rsa);
    ThreadProbe.Mark mark = new ThreadProbe.Mark();
    TestGateway gw = probedGateway(2, jwksConfig(jwks), mark);
    assertEquals(200, get(gw, rsa.sign(good("alice"))).statusCode());
    int before = jwks.fetches();
    SigningKey rotated = SigningKey.rsa("rsa-2");
    jwks.publish(rsa, rotated).holdAnswers();
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // A client each: one connection each, spread over the gateway's two event loops.
      HttpRequest request = HttpRequest.newBuilder(gw.uri("/t/me"))
          .header("Authorization", "Bearer " + rotated.sign(good("user-" + i))).build();
      burst.add(HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    assertTrue(jwks.awaitFetches(before + 1), "a fetch for the new kid");
    // Every request of the burst is waiting on that one fetch before the issuer answers.
    assertTrue(mark.arrived.tryAcquire(1 + burst.size(), 10, TimeUnit.SECONDS), "the burst reached the gateway");
    jwks.release();
    for (CompletableFuture<HttpResponse<String>> f : burst) {
      HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("true", r.headers().firstValue("X-Same-Thread").orElse(null));
    }
    assertEquals(before + 1, jwks.fetches(), "one fetch for the whole burst, from both event loops");
  }

  @Test
  void cachedKeysKeepWorkingWhileTheJwksEndpointIsDown() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks));
    assertEquals(200, get(gw, rsa.sign(good("alice"))).statusCode());
    jwks.status(500);
    jwks.close();
    // A token never seen before (not in the verified-token cache), signed with a known key.
    assertEquals(200, get(gw, rsa.sign(good("bob"))).statusCode());
    assertInvalidToken(get(gw, SigningKey.rsa("rsa-9").sign(good("carol"))), "no key");
  }

  @Test
  void anHttpsJwksIsTrustedThroughTheTrustStorePem(@TempDir Path tmp) throws Exception {
    Path cert = copyResource("tls/localhost.crt", tmp);   // self-signed for localhost and 127.0.0.1
    Path key = copyResource("tls/localhost.key", tmp);
    Vertx vertx = Vertx.vertx();
    open.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    String document = new JsonObject().put("keys", new JsonArray().add(rsa.jwk())).encode();
    HttpServer issuer = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString())))
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(document))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String uri = "https://127.0.0.1:" + issuer.actualPort() + "/jwks";

    TestGateway trusting = gateway("{ jwksUri: \"" + uri + "\", trustStore: \"" + cert + "\" }");
    assertEquals(200, get(trusting, rsa.sign(TestKeys.claims("alice"))).statusCode());
    // Without the PEM, the JVM's trust store alone refuses the issuer's certificate: no keys at all.
    TestGateway untrusting = gateway("{ jwksUri: \"" + uri + "\" }");
    assertEquals(503, get(untrusting, rsa.sign(TestKeys.claims("alice"))).statusCode());
  }

  private static Path copyResource(String name, Path dir) throws Exception {
    try (var in = JwtAuthorizerTest.class.getClassLoader().getResourceAsStream(name)) {
      assertTrue(in != null, name + " is not on the test class path (the gateway's test-jar)");
      Path file = dir.resolve(Path.of(name).getFileName().toString());
      Files.copy(in, file);
      return file;
    }
  }

  @Test
  void withoutAnyKeysYetTheAnswerIs503NotAnInvalidToken() throws Exception {
    JwksServer jwks = jwks(rsa);
    String url = jwks.url();
    jwks.close();
    TestGateway gw = gateway("{ jwksUri: \"" + url + "\" }");
    HttpResponse<String> r = get(gw, rsa.sign(TestKeys.claims("alice")));
    assertEquals(503, r.statusCode(), r.body());
  }

  @Test
  void keysAreRefreshedInTheBackgroundAsCacheControlSays() throws Exception {
    JwksServer jwks = jwks(rsa).cacheControl("public, max-age=1");
    TestGateway gw = gateway("{ jwksUri: \"" + jwks.url() + "\", jwksMinRefetch: 100ms }");
    assertTrue(jwks.awaitFetches(2), "refreshed without any request asking");
    assertEquals(200, get(gw, rsa.sign(TestKeys.claims("alice"))).statusCode());
  }

  @Test
  void missingScopeIs403AndAllScopesAreRequired() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks).replace("}", ", scopes: [pets:read, pets:write] }"));
    HttpResponse<String> r = get(gw, rsa.sign(good("alice").put("scope", "pets:read")));
    assertEquals(403, r.statusCode(), r.body());
    assertTrue(r.body().contains("pets:write"), r.body());
    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
    assertEquals(200, get(gw, rsa.sign(good("alice").put("scope", "openid pets:read pets:write"))).statusCode());
    assertEquals(200, get(gw, rsa.sign(good("alice").put("scp", new JsonArray().add("pets:write").add("pets:read")))).statusCode());
  }

  @Test
  void missingOrDifferentRequiredClaimIs403() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = gateway(jwksConfig(jwks).replace("}", ", requiredClaims: { tenant: acme, groups: admin } }"));
    assertEquals(403, get(gw, rsa.sign(good("alice").put("groups", new JsonArray().add("admin")))).statusCode());
    assertEquals(403, get(gw, rsa.sign(good("alice").put("tenant", "globex").put("groups", "admin"))).statusCode());
    assertEquals(200, get(gw, rsa.sign(good("alice").put("tenant", "acme")
        .put("groups", new JsonArray().add("dev").add("admin")))).statusCode());
  }

  @Test
  void theSecretIsShownAsStarsByTheAdminApi() throws Exception {
    TestGateway gw = TestGateway.start("""
        admin:
          token: admin-token
        apis:
          - name: t
            basePath: /t
            routes:
              - path: /me
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - jwt: { secret: "%s" }
        """.formatted(SECRET));
    open.add(gw);
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + gw.adminPort() + "/apis/t"))
        .header("Authorization", "Bearer admin-token").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.body().contains("\"secret\":\"***\""), r.body());
    assertTrue(!r.body().contains(SECRET), r.body());
  }

  @Test
  void aTokenWithoutSubIs401() throws Exception {
    TestGateway gw = gateway("{ secret: \"" + SECRET + "\" }");
    JsonObject claims = TestKeys.claims("alice");
    claims.remove("sub");
    assertInvalidToken(get(gw, TestKeys.hs256(SECRET, claims)), "sub");
  }

  @Test
  void aReusedTokenIsNotAcceptedPastItsExpiry() throws Exception {
    TestGateway gw = gateway("{ secret: \"" + SECRET + "\", leeway: 0s }");
    long now = System.currentTimeMillis() / 1000;
    String token = TestKeys.hs256(SECRET, TestKeys.claims("alice").put("exp", now + 2));
    assertEquals(200, get(gw, token).statusCode());
    assertEquals(200, get(gw, token).statusCode());
    int status = Poll.until(() -> get(gw, token).statusCode(), s -> s != 200, Duration.ofSeconds(10));
    assertEquals(401, status, "the verified-token cache does not outlive exp");
  }

  @Test
  void theClaimsAreThePrincipalForLaterPoliciesAndTemplates() throws Exception {
    JwksServer jwks = jwks(rsa);
    TestGateway gw = TestGateway.start("""
        apis:
          - name: t
            basePath: /t
            routes:
              - path: /me
                integration: { type: mock, status: 200, body: { ok: true } }
                policies:
                  - jwt: { jwksUri: "%s" }
                  - headers:
                      response:
                        set: { X-Id: "${principal.id}", X-Sub: "${principal.sub}", X-Email: "${principal.email}" }
        """.formatted(jwks.url()), BundledPlugins.dir("headers"));
    open.add(gw);
    HttpResponse<String> r = get(gw, rsa.sign(TestKeys.claims("alice").put("email", "alice@example.com").putNull("nickname")));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("alice", r.headers().firstValue("X-Id").orElse(null));
    assertEquals("alice", r.headers().firstValue("X-Sub").orElse(null));
    assertEquals("alice@example.com", r.headers().firstValue("X-Email").orElse(null));
  }
}
