package dev.portico.gateway.config;

import dev.portico.spi.QuotaPeriod;
import java.util.List;

/**
 * A usage plan: the throttle and quota applied to every API key that belongs to it.
 *
 * @param throttle null when the plan has none
 * @param quota null when the plan has none
 */
public record UsagePlan(String name, Throttle throttle, Quota quota, List<Key> keys) {

  public UsagePlan {
    keys = List.copyOf(keys);
  }

  public record Throttle(double rate, long burst) {}

  public record Quota(long limit, QuotaPeriod period) {}

  /** A key: {@code id} is public (logs, principal), {@code value} is the secret the client sends. */
  public record Key(String id, String value) {
    @Override
    public String toString() {
      return "Key[id=" + id + ", value=***]";
    }
  }
}
