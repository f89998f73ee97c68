package dev.letterbox.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import sun.misc.Signal;

/**
 * SIGHUP, the Unix way to say "read your files again": one JVM-wide handler runs every registered
 * action (a JVM may run more than one server: the tests do). Where the platform has no SIGHUP,
 * registering does nothing.
 */
final class ReloadSignal {
    private static final List<Runnable> ACTIONS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private ReloadSignal() {}

    /** An action that stays registered until its registration is closed. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    static synchronized Registration onHangup(Runnable action) {
        if (!installed) {
            try {
                Signal.handle(new Signal("HUP"), signal -> ACTIONS.forEach(Runnable::run));
            } catch (IllegalArgumentException e) {
                return () -> { }; // no SIGHUP here
            }
            installed = true;
        }
        ACTIONS.add(action);
        return () -> ACTIONS.remove(action);
    }
}
