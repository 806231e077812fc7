package dev.portico.spi;

/** The calendar windows a quota counts in, in UTC: a window starts at the beginning of its unit. */
public enum QuotaPeriod {
  MINUTE,
  HOUR,
  DAY,
  /** ISO weeks: Monday 00:00 UTC to the next Monday. */
  WEEK,
  MONTH
}
