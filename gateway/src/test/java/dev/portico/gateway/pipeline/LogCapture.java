package dev.portico.gateway.pipeline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * What the gateway logs while a test runs, at WARN and above: to tell a denial (nothing alarming)
 * from a plugin failure (an error naming the plugin).
 *
 * <pre>{@code
 * try (LogCapture logs = LogCapture.capture()) {
 *   ...
 *   assertEquals(List.of(), logs.alarms());
 * }
 * }</pre>
 *
 * <p>The pipeline logs a failure before it writes the response, so once the client has the
 * response, the line is here.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  private LogCapture() {}

  public static LogCapture capture() {
    LogCapture capture = new LogCapture();
    capture.setContext(capture.root.getLoggerContext());
    capture.start();
    capture.root.addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      event.prepareForDeferredProcessing();
      events.add(event);
    }
  }

  /** Every WARN or ERROR line so far, as {@code LEVEL message [exception]}. */
  public List<String> alarms() {
    return events.stream().map(LogCapture::describe).toList();
  }

  /** The ERROR lines so far. */
  public List<String> errors() {
    return events.stream().filter(e -> e.getLevel() == Level.ERROR).map(LogCapture::describe).toList();
  }

  public void clear() {
    events.clear();
  }

  private static String describe(ILoggingEvent e) {
    IThrowableProxy t = e.getThrowableProxy();
    return e.getLevel() + " " + e.getFormattedMessage() + (t == null ? "" : " [" + t.getClassName() + ": " + t.getMessage() + "]");
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
