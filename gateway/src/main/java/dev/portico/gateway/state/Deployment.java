package dev.portico.gateway.state;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * An API definition frozen as it was when deployed. It never changes: a stage that names it serves
 * exactly this, whatever happens to the API's current definition afterwards.
 *
 * @param hash of the frozen definition: two deployments with the same hash serve the same routes
 * @param definition the API object as written (as {@code PUT /apis/{name}} takes it)
 */
public record Deployment(String id, Instant createdAt, String description, String hash, JsonObject definition) {

  public Deployment {
    description = description == null ? "" : description;
    definition = definition.copy();
  }

  /** The frozen definition; a copy, so the deployment stays immutable. */
  @Override
  public JsonObject definition() {
    return definition.copy();
  }

  /** What the admin API lists: everything but the definition. */
  public JsonObject summary() {
    return new JsonObject().put("id", id).put("createdAt", createdAt.toString()).put("description", description)
        .put("hash", hash);
  }

  JsonObject toJson() {
    return summary().put("definition", definition.copy());
  }

  static Deployment fromJson(JsonObject json) {
    return new Deployment(json.getString("id"), Instant.parse(json.getString("createdAt")),
        json.getString("description", ""), json.getString("hash"), json.getJsonObject("definition"));
  }

  /** A short, stable digest of a definition as written. */
  public static String hashOf(JsonObject definition) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(definition.encode().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
