package dev.portico.gateway.pipeline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * What the gateway logs while a test runs: the WARN and ERROR lines, to tell a denial (nothing
 * alarming) from a plugin failure (an error naming the plugin); and every line as the test
 * configuration's console appender writes it, stack traces included, to check what reaches the
 * log's reader.
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
    event.prepareForDeferredProcessing();
    events.add(event);
  }

  /** Every WARN or ERROR line so far, as {@code LEVEL message [exception]}. */
  public List<String> alarms() {
    return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).map(LogCapture::describe).toList();
  }

  /**
   * Every event so far (access log included), formatted by the layout of the root logger's
   * {@code CONSOLE} appender in {@code logback-test.xml}: the text that appender writes.
   */
  public List<String> written() {
    @SuppressWarnings("unchecked")
    LayoutWrappingEncoder<ILoggingEvent> encoder = (LayoutWrappingEncoder<ILoggingEvent>)
        ((OutputStreamAppender<ILoggingEvent>) root.getAppender("CONSOLE")).getEncoder();
    Layout<ILoggingEvent> layout = encoder.getLayout();
    return events.stream().map(layout::doLayout).toList();
  }

  /** Every line so far, whatever its level, as {@code LEVEL message [exception]}. */
  public List<String> messages() {
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
