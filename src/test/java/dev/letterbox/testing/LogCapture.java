package dev.letterbox.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages one logger (and its children) logs while the capture is open, formatted as the
 * server's log shows them. The server logs through System.Logger, which ends in java.util.logging.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level levelBefore;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(getFormatter().formatMessage(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String name) {
        this.logger = Logger.getLogger(name);
        this.levelBefore = logger.getLevel();
        handler.setFormatter(new java.util.logging.SimpleFormatter());
        handler.setLevel(Level.ALL);
        logger.setLevel(Level.INFO); // whatever a CLI run in this JVM set the root to (warning)
        logger.addHandler(handler);
    }

    /** Starts capturing what {@code loggerName} logs at INFO and above. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(levelBefore);
    }
}
