package dev.portico.gateway.config;

import dev.portico.spi.ConfigReader;
import dev.portico.spi.QuotaPeriod;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds {@code usagePlans:}. Plan names, key ids and key values are each unique across all plans,
 * since {@code api-key} finds a key's plan by its value. A key value is a secret: a problem about
 * one names the key by its id, never prints the value.
 */
final class UsagePlanBinder {

  private final List<String> problems;
  private final Map<String, String> planPaths = new HashMap<>();
  private final Map<String, String> keyIdPaths = new HashMap<>();
  private final Map<String, String> keyIdsByValue = new HashMap<>();

  UsagePlanBinder(List<String> problems) {
    this.problems = problems;
  }

  List<UsagePlan> bind(JsonArray list, String path) {
    List<UsagePlan> plans = new ArrayList<>();
    if (list == null) {
      return plans;
    }
    for (int i = 0; i < list.size(); i++) {
      ConfigReader plan = ConfigValues.item(list, i, path, problems);
      if (plan != null) {
        plans.add(plan(plan));
      }
    }
    return plans;
  }

  private UsagePlan plan(ConfigReader plan) {
    String name = plan.requiredString("name");
    if (name != null) {
      String first = planPaths.putIfAbsent(name, plan.path());
      if (first != null) {
        plan.problem("name", "duplicate usage plan name '" + name + "' (first at " + first + ")");
      }
    }
    UsagePlan.Throttle throttle = throttle(plan.object("throttle"));
    UsagePlan.Quota quota = quota(plan.object("quota"));
    List<UsagePlan.Key> keys = new ArrayList<>();
    JsonArray list = ConfigValues.list(plan, "keys");
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        ConfigReader key = ConfigValues.item(list, i, plan.pathOf("keys"), problems);
        if (key != null) {
          UsagePlan.Key bound = key(key);
          if (bound != null) {
            keys.add(bound);
          }
        }
      }
    }
    plan.finish();
    return new UsagePlan(name, throttle, quota, keys);
  }

  private static UsagePlan.Throttle throttle(ConfigReader throttle) {
    if (throttle == null) {
      return null;
    }
    double rate = 0;
    if (throttle.has("rate")) {
      rate = throttle.positiveNumber("rate", 0);
    } else {
      throttle.problem("rate", "is required");
    }
    // The bucket holds at least one second of the rate; 1 keeps a missing rate from being reported twice.
    long burst = throttle.positiveLong("burst", rate > 0 ? (long) Math.ceil(rate) : 1);
    throttle.finish();
    return new UsagePlan.Throttle(rate, burst);
  }

  private static UsagePlan.Quota quota(ConfigReader quota) {
    if (quota == null) {
      return null;
    }
    long limit = 0;
    if (quota.has("limit")) {
      limit = quota.positiveLong("limit", 0);
    } else {
      quota.problem("limit", "is required");
    }
    QuotaPeriod period = null;
    String written = quota.requiredString("period");
    if (written != null) {
      try {
        period = QuotaPeriod.valueOf(written.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        quota.problem("period", "must be one of MINUTE, HOUR, DAY, WEEK, MONTH (was '" + written + "')");
      }
    }
    quota.finish();
    return new UsagePlan.Quota(limit, period);
  }

  private UsagePlan.Key key(ConfigReader key) {
    String id = key.requiredString("id");
    String value = key.requiredString("value");
    key.finish();
    if (id != null) {
      String first = keyIdPaths.putIfAbsent(id, key.path());
      if (first != null) {
        key.problem("id", "duplicate key id '" + id + "' (first at " + first + ")");
        return null; // its value is not compared: the message would name one id twice
      }
    }
    if (id != null && value != null) {
      String owner = keyIdsByValue.putIfAbsent(value, id);
      if (owner != null) {
        key.problem("value", "key '" + id + "' has the same value as key '" + owner + "'; every key needs its own value");
      }
    }
    return id == null || value == null ? null : new UsagePlan.Key(id, value);
  }
}
