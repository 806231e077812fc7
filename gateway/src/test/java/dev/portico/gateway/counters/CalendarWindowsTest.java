package dev.portico.gateway.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.spi.QuotaPeriod;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Windows computed by arithmetic agree with the UTC calendar, before and after the epoch. */
class CalendarWindowsTest {

  private static CalendarWindows.Span byCalendar(QuotaPeriod period, long millis) {
    ZonedDateTime now = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    ZonedDateTime start;
    switch (period) {
      case MINUTE:
        start = now.truncatedTo(ChronoUnit.MINUTES);
        return new CalendarWindows.Span(ms(start), ms(start.plusMinutes(1)));
      case HOUR:
        start = now.truncatedTo(ChronoUnit.HOURS);
        return new CalendarWindows.Span(ms(start), ms(start.plusHours(1)));
      case DAY:
        start = now.truncatedTo(ChronoUnit.DAYS);
        return new CalendarWindows.Span(ms(start), ms(start.plusDays(1)));
      case WEEK:
        start = now.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return new CalendarWindows.Span(ms(start), ms(start.plusWeeks(1)));
      default:
        start = now.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        return new CalendarWindows.Span(ms(start), ms(start.plusMonths(1)));
    }
  }

  private static long ms(ZonedDateTime t) {
    return t.toInstant().toEpochMilli();
  }

  @Test
  void everyPeriodMatchesTheUtcCalendarFrom1900To2200() {
    SplittableRandom random = new SplittableRandom(42);
    long from = Instant.parse("1900-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2200-01-01T00:00:00Z").toEpochMilli();
    for (int i = 0; i < 20_000; i++) {
      long millis = random.nextLong(from, to);
      for (QuotaPeriod period : QuotaPeriod.values()) {
        assertEquals(byCalendar(period, millis), CalendarWindows.of(period, millis), period + " at " + Instant.ofEpochMilli(millis));
      }
    }
  }

  @Test
  void theBoundariesThemselvesStartTheirWindow() {
    for (String t : new String[] {"1970-01-01T00:00:00Z", "1969-12-29T00:00:00Z", "2026-03-09T00:00:00Z",
        "2026-03-01T00:00:00Z", "2000-02-29T00:00:00Z", "1969-12-31T23:59:59.999Z"}) {
      long millis = Instant.parse(t).toEpochMilli();
      for (QuotaPeriod period : QuotaPeriod.values()) {
        assertEquals(byCalendar(period, millis), CalendarWindows.of(period, millis), period + " at " + t);
      }
    }
  }
}
