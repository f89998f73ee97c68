package dev.letterbox.archive;

/** An archive that cannot be read as what it claims to be; the message names the file (and message). */
public final class ArchiveException extends Exception {
    public ArchiveException(String message) {
        super(message);
    }
}
