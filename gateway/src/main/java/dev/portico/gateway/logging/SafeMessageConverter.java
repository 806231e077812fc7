package dev.portico.gateway.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %safeMsg}: the formatted message, its control characters escaped ({@link LogText}), so
 * that nothing a request carried into a message can break a log line or reach a terminal raw.
 * Registered in {@code conf/logback.xml} with
 * {@code <conversionRule conversionWord="safeMsg" class="dev.portico.gateway.logging.SafeMessageConverter"/>}.
 */
public class SafeMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return LogText.escapeControls(super.convert(event));
  }
}
