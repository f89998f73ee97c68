package dev.letterbox.server;

import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.List;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * One line per event on standard error: {@code 2026-11-22T10:00:00.123Z INFO  letterbox.pop3 message}.
 * The JDK's System.Logger and SLF4J (via its JUL binding) both end up here.
 */
public final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private LogSetup() {}

    /** Installs the one-line format at {@code level} (error, warning, info, debug). */
    public static void install(String level, PrintStream stream) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level jul = switch (level.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            default -> Level.INFO;
        };
        // Not ConsoleHandler: re-targeting it closes the stream it had, which is System.err itself.
        // Closing a handler (reset() does) closes its stream: never let that close System.err.
        OutputStream unclosable = new FilterOutputStream(stream) {
            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws java.io.IOException {
                flush();
            }
        };
        Handler handler = new StreamHandler(unclosable, new OneLine()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(jul);
        root.addHandler(handler);
        root.setLevel(jul);
        // Libraries are chatty at INFO; keep them to warnings unless debugging.
        if (jul != Level.FINE) {
            for (String library : List.of("org.xbill", "org.sqlite", "org.postgresql", "com.zaxxer.hikari")) {
                Logger logger = Logger.getLogger(library);
                logger.setLevel(Level.WARNING);
                QUIETED.add(logger); // the log manager holds loggers weakly: a collected one forgets its level
            }
        }
    }

    private static final List<Logger> QUIETED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static final class OneLine extends Formatter {
        /** Numbers as plain digits: a port, UID or size must never read "20,000". */
        @Override
        public String formatMessage(LogRecord r) {
            Object[] params = r.getParameters();
            if (params != null) {
                Object[] plain = params.clone();
                for (int i = 0; i < plain.length; i++) {
                    if (plain[i] instanceof Number n) plain[i] = String.valueOf(n);
                }
                r.setParameters(plain);
            }
            return super.formatMessage(r);
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
            String level = switch (r.getLevel().intValue()) {
                case 1000 -> "ERROR";
                case 900 -> "WARN ";
                case 800 -> "INFO ";
                default -> "DEBUG";
            };
            sb.append(level).append(' ').append(r.getLoggerName()).append(' ').append(formatMessage(r));
            if (r.getThrown() != null) {
                sb.append(" | ").append(r.getThrown());
                if (r.getLevel().intValue() >= Level.SEVERE.intValue() || Logger.getLogger("").isLoggable(Level.FINE)) {
                    var sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    sb.append(System.lineSeparator()).append(sw.toString().stripTrailing());
                }
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }
}
