package dev.portico.plugins.quota;

import dev.portico.spi.Per;
import dev.portico.spi.ConfigReader;
import dev.portico.spi.Policy;
import dev.portico.spi.PolicyEnvironment;
import dev.portico.spi.PolicyFactory;
import dev.portico.spi.PolicyKind;
import dev.portico.spi.QuotaPeriod;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The {@code quota} throttler: at most {@code limit} requests per calendar window of
 * {@code period}, in UTC (a {@code DAY} runs from 00:00 UTC to the next; a {@code WEEK} from Monday
 * 00:00 UTC; a {@code MONTH} from the 1st). A request over the limit is answered 429 with
 * {@code Retry-After} set to the end of the window, and is not counted. Never approximate: every
 * request is decided on the counter store.
 *
 * <pre>{@code
 * - quota: { limit: 1000, period: DAY, per: principal }
 * }</pre>
 */
public final class QuotaFactory implements PolicyFactory<QuotaConfig> {

  private static final String PERIODS =
      Arrays.stream(QuotaPeriod.values()).map(Enum::name).collect(Collectors.joining(", "));

  @Override
  public String name() {
    return "quota";
  }

  @Override
  public PolicyKind kind() {
    return PolicyKind.THROTTLER;
  }

  @Override
  public QuotaConfig parse(ConfigReader config) {
    long limit = 1;
    if (!config.has("limit")) {
      config.problem("limit", "is required (requests per period)");
    } else {
      limit = config.positiveLong("limit", 1);
    }
    QuotaPeriod period = QuotaPeriod.DAY;
    String text = config.string("period", null);
    if (text == null) {
      config.problem("period", "is required, one of " + PERIODS);
    } else {
      try {
        period = QuotaPeriod.valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        config.problem("period", "must be one of " + PERIODS + " (was '" + text + "')");
      }
    }
    Per per = Per.read(config, "per");
    return new QuotaConfig(limit, period, per);
  }

  @Override
  public Policy create(QuotaConfig config, PolicyEnvironment env) {
    return new QuotaThrottler(config, env.counters());
  }
}
