package dev.letterbox.delivery;

import java.io.IOException;
import java.io.InputStream;

/** A received message as the checks may read it again at the end: the bytes as they will be stored after the trace fields. */
public interface SpooledMessage {
    /** The whole message from its first byte. */
    InputStream open() throws IOException;

    /** Octets in all. */
    long size();

    /** Where the body starts (just past the empty line), or -1 when the header section never ended. */
    long bodyStart();
}
