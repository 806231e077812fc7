package dev.portico.gateway.counters;

import dev.portico.spi.QuotaPeriod;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/** The calendar window (UTC) an instant falls in: quotas count per minute, hour, day, ISO week or month. */
public final class CalendarWindows {

  private CalendarWindows() {}

  /** A window: from {@code startMillis} (inclusive) to {@code endMillis} (exclusive). */
  public record Span(long startMillis, long endMillis) {}

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long WEEK = 7 * DAY;
  /** 1970-01-01 was a Thursday: ISO weeks (from Monday) start 3 days before the epoch's multiples of 7 days. */
  private static final long MONDAY_OFFSET = 3 * DAY;

  public static Span of(QuotaPeriod period, long nowMillis) {
    // fixed-length windows by arithmetic: this runs on every quota decision
    switch (period) {
      case MINUTE:
        return fixed(nowMillis, MINUTE, 0);
      case HOUR:
        return fixed(nowMillis, HOUR, 0);
      case DAY:
        return fixed(nowMillis, DAY, 0);
      case WEEK:
        return fixed(nowMillis, WEEK, MONDAY_OFFSET);
      default:
        return month(nowMillis);
    }
  }

  private static Span fixed(long nowMillis, long length, long offset) {
    long start = Math.floorDiv(nowMillis + offset, length) * length - offset;
    return new Span(start, start + length);
  }

  /** Months differ in length: they need the calendar. (Java's UTC has no leap seconds, so days do not.) */
  private static Span month(long nowMillis) {
    ZonedDateTime start = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC)
        .truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
    return new Span(start.toInstant().toEpochMilli(), start.plusMonths(1).toInstant().toEpochMilli());
  }
}
