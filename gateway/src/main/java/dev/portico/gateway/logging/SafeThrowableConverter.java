package dev.portico.gateway.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * {@code %safeEx}: the logged exception and its stack trace as {@code %ex} writes them, with the
 * control characters of every message and class name (the exception's, its causes', the
 * suppressed ones') escaped ({@link LogText}). Exception messages are where request data most
 * often slips into a log: a decoder quoting the bytes it could not parse, a URI that could not be
 * written.
 *
 * <p>A pattern must name it: one without any exception conversion gets Logback's plain {@code %ex}
 * appended, unescaped. The trace's own line breaks and tabs stay, since they are what make it a
 * trace; a message's line break is escaped, so it cannot fake a frame.
 */
public class SafeThrowableConverter extends ThrowableProxyConverter {

  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return super.throwableProxyToString(new Escaped(tp));
  }

  /** A throwable as Logback sees it, whose messages come out escaped, down its causes and suppressed ones. */
  private record Escaped(IThrowableProxy original) implements IThrowableProxy {

    @Override
    public String getMessage() {
      return LogText.escapeControls(original.getMessage());
    }

    @Override
    public String getClassName() {
      return LogText.escapeControls(original.getClassName());
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return original.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return original.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      IThrowableProxy cause = original.getCause();
      return cause == null ? null : new Escaped(cause);
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = original.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] escaped = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        escaped[i] = new Escaped(suppressed[i]);
      }
      return escaped;
    }

    @Override
    public boolean isCyclic() {
      return original.isCyclic();
    }
  }
}
