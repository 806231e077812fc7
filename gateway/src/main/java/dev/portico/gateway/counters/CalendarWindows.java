package dev.portico.gateway.counters;

import dev.portico.spi.QuotaPeriod;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/** The calendar window (UTC) an instant falls in: quotas count per minute, hour, day, ISO week or month. */
public final class CalendarWindows {

  private CalendarWindows() {}

  /** A window: from {@code startMillis} (inclusive) to {@code endMillis} (exclusive). */
  public record Span(long startMillis, long endMillis) {}

  public static Span of(QuotaPeriod period, long nowMillis) {
    ZonedDateTime now = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC);
    ZonedDateTime start;
    ZonedDateTime end;
    switch (period) {
      case MINUTE -> {
        start = now.truncatedTo(ChronoUnit.MINUTES);
        end = start.plusMinutes(1);
      }
      case HOUR -> {
        start = now.truncatedTo(ChronoUnit.HOURS);
        end = start.plusHours(1);
      }
      case DAY -> {
        start = now.truncatedTo(ChronoUnit.DAYS);
        end = start.plusDays(1);
      }
      case WEEK -> {
        start = now.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        end = start.plusWeeks(1);
      }
      default -> {
        start = now.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        end = start.plusMonths(1);
      }
    }
    return new Span(start.toInstant().toEpochMilli(), end.toInstant().toEpochMilli());
  }
}
