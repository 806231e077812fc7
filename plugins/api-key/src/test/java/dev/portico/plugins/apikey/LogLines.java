package dev.portico.plugins.apikey;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Everything logged while a test runs, at every level the loggers let through (the root logger is
 * lowered to DEBUG meanwhile): each event as one string with its message, arguments, MDC and
 * exception, so a test can assert that a secret appears in none of them.
 */
final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Queue<String> lines = new ConcurrentLinkedQueue<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level rootLevel = root.getLevel();

  private LogLines() {}

  static LogLines capture() {
    LogLines capture = new LogLines();
    capture.setContext(capture.root.getLoggerContext());
    capture.start();
    capture.root.addAppender(capture);
    capture.root.setLevel(Level.DEBUG);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent e) {
    e.prepareForDeferredProcessing();
    StringBuilder sb = new StringBuilder()
        .append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
    if (e.getArgumentArray() != null) {
      sb.append(" args=").append(Arrays.deepToString(e.getArgumentArray()));
    }
    if (e.getMDCPropertyMap() != null && !e.getMDCPropertyMap().isEmpty()) {
      sb.append(" mdc=").append(e.getMDCPropertyMap());
    }
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      sb.append(" [").append(t.getClassName()).append(": ").append(t.getMessage()).append(']');
    }
    lines.add(sb.toString());
  }

  /** Every line so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.setLevel(rootLevel);
    root.detachAppender(this);
    stop();
  }
}
