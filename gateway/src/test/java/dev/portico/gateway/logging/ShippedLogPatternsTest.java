package dev.portico.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The layouts of the shipped {@code conf/logback.xml}, on events carrying control characters: the
 * message and the exception's messages come out escaped, the stack trace keeps its own lines.
 */
class ShippedLogPatternsTest {

  private LoggerContext context;

  @BeforeEach
  void configureFromTheShippedFile() throws JoranException {
    context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(shippedConfiguration().toFile());
  }

  @AfterEach
  void stop() {
    context.stop();
  }

  @Test
  void theApplicationLogEscapesControlCharactersInTheMessage() {
    String line = layout(context.getLogger(Logger.ROOT_LOGGER_NAME), "CONSOLE")
        .doLayout(event("path /a\u0000\u001b[31m\r\nFAKE ERROR line", null));

    assertTrue(line.contains("path /a\\u0000\\u001b[31m\\u000d\\u000aFAKE ERROR line"), line);
    assertEquals(line.length() - 1, line.indexOf('\n'), "one line, ended by the layout");
    assertNoControlCharacters(line);
  }

  @Test
  void theApplicationLogEscapesTheExceptionsMessagesButKeepsTheStackTrace() {
    IllegalArgumentException cause = new IllegalArgumentException("invalid hex byte in '\u0007%zz\u009b'");
    IllegalStateException failure = new IllegalStateException("cannot decode\n\tat forged.Frame(Forged.java:1)", cause);
    failure.addSuppressed(new RuntimeException("suppressed \u007f"));

    String text = layout(context.getLogger(Logger.ROOT_LOGGER_NAME), "CONSOLE").doLayout(event("failed", failure));

    assertTrue(text.contains("java.lang.IllegalStateException: cannot decode\\u000a\\u0009at forged.Frame(Forged.java:1)"), text);
    assertTrue(text.contains("Caused by: java.lang.IllegalArgumentException: invalid hex byte in '\\u0007%zz\\u009b'"), text);
    assertTrue(text.contains("Suppressed: java.lang.RuntimeException: suppressed \\u007f"), text);
    assertTrue(text.contains("\n\tat " + getClass().getName()), "frames stay one per line: " + text);
    assertFalse(text.contains("\n\tat forged.Frame"), text);
    assertNoControlCharacters(text);
  }

  @Test
  void theAccessLogEscapesControlCharactersLeftInItsLine() {
    Logger access = context.getLogger("portico.access");
    AsyncAppenderBase<ILoggingEvent> queue = (AsyncAppenderBase<ILoggingEvent>) access.getAppender("ACCESS");
    Layout<ILoggingEvent> layout = layoutOf(queue.getAppender("ACCESS_STDOUT"));

    String line = layout.doLayout(event("{\"path\":\"/a\u001b]0;owned\u0007\"}", null));

    assertEquals("{\"path\":\"/a\\u001b]0;owned\\u0007\"}\n", line);
  }

  @Test
  void textWithoutControlCharactersIsLeftAsItIs() {
    String plain = "GET /pets/7: Bad Gateway (ConnectException: Connection refused) é \\u0041";
    assertSame(plain, LogText.escapeControls(plain));
    assertEquals("\\u0000\\u001b[31m", LogText.escapeControls("\u0000\u001b[31m"));
    assertEquals("a\\u0085b\\u009fc\u00a0", LogText.escapeControls("a\u0085b\u009fc\u00a0"));
  }

  private LoggingEvent event(String message, Throwable failure) {
    Logger logger = context.getLogger("dev.portico.gateway.pipeline.Pipeline");
    return new LoggingEvent(Logger.class.getName(), logger, Level.WARN, message, failure, null);
  }

  private static Layout<ILoggingEvent> layout(Logger logger, String appender) {
    return layoutOf(logger.getAppender(appender));
  }

  @SuppressWarnings("unchecked")
  private static Layout<ILoggingEvent> layoutOf(Appender<ILoggingEvent> appender) {
    return ((LayoutWrappingEncoder<ILoggingEvent>) ((OutputStreamAppender<ILoggingEvent>) appender).getEncoder()).getLayout();
  }

  /** Line breaks end lines and tabs start frames; any other control character is a leak. */
  private static void assertNoControlCharacters(String text) {
    for (String line : text.split("\n")) {
      String body = line.replaceFirst("^\t+", "");
      for (int i = 0; i < body.length(); i++) {
        assertFalse(LogText.isControl(body.charAt(i)), () -> "raw control character in: " + text);
      }
    }
  }

  private static Path shippedConfiguration() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("conf/logback.xml");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("conf/logback.xml not found above " + Path.of("").toAbsolutePath());
  }
}
