package dev.letterbox.store;

/** Names one immutable message blob. Opaque outside the blob store; safe to use in file names. */
public record BlobId(String value) {
    public BlobId {
        if (!wellFormed(value)) throw new IllegalArgumentException("bad blob id");
    }

    /**
     * 8 to 64 of {@code [A-Za-z0-9_-]}. Checked by hand, not with {@link String#matches}: every message
     * row read builds a BlobId, and compiling the pattern each time was a quarter of the Java samples
     * in a profile of the IMAP server under load (bench/imap).
     */
    private static boolean wellFormed(String value) {
        if (value == null || value.length() < 8 || value.length() > 64) return false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
