package dev.letterbox.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP, the Unix way to say "read your files again": one JVM-wide handler runs every registered
 * action (a JVM may run more than one server: the tests do), each on its own so one failing action
 * does not keep the others from running. Where the platform has no SIGHUP, or the process was
 * started with SIGHUP ignored (nohup), registering does nothing and says so in the log.
 */
final class ReloadSignal {
    private static final System.Logger LOG = System.getLogger("letterbox.server");
    private static final List<Runnable> ACTIONS = new CopyOnWriteArrayList<>();
    private static boolean installed;
    private static boolean unavailable;

    private ReloadSignal() {}

    /** An action that stays registered until its registration is closed. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    static synchronized Registration onHangup(Runnable action) {
        if (!installed && !unavailable) {
            try {
                // a signal ignored at start (nohup) stays ignored whatever is registered: the JVM says so
                // by answering SIG_IGN as the handler before
                SignalHandler before = Signal.handle(new Signal("HUP"), signal -> ACTIONS.forEach(ReloadSignal::runOne));
                installed = before != SignalHandler.SIG_IGN;
            } catch (IllegalArgumentException e) {
                installed = false;
            }
            if (!installed) {
                unavailable = true;
                LOG.log(System.Logger.Level.WARNING, "SIGHUP is ignored by this process (started under nohup?): "
                        + "the certificate is not read again on SIGHUP; restart the server to use a new one");
            }
        }
        if (!installed) return () -> { };
        ACTIONS.add(action);
        return () -> ACTIONS.remove(action);
    }

    /** Whether SIGHUP reaches the registered actions in this process. */
    static synchronized boolean listening() {
        return installed;
    }

    private static void runOne(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SIGHUP: {0}", e.toString());
        }
    }
}
