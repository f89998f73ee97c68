package dev.letterbox.relay;

import java.io.IOException;
import java.io.InputStream;

/** Opens the queued message's bytes, as often as needed (signing reads them once, sending again). */
@FunctionalInterface
public interface MessageBytes {
    InputStream open() throws IOException;
}
