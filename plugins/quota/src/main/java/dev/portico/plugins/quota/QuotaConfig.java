package dev.portico.plugins.quota;

import dev.portico.spi.Per;
import dev.portico.spi.QuotaPeriod;

/**
 * A bound {@code quota} configuration.
 *
 * @param limit requests admitted per window
 * @param period the calendar window (UTC) the limit applies to
 * @param per what is counted separately (always within the route)
 */
record QuotaConfig(long limit, QuotaPeriod period, Per per) {

  /** Identifies the configuration in counter keys: a changed limit or period starts a new count. */
  String fingerprint() {
    return "quota(limit=" + limit + ",period=" + period + ",per=" + per.label() + ")";
  }
}
