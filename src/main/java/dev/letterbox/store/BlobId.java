package dev.letterbox.store;

/** Names one immutable message blob. Opaque outside the blob store; safe to use in file names. */
public record BlobId(String value) {
    public BlobId {
        if (value == null || !value.matches("[A-Za-z0-9_-]{8,64}")) {
            throw new IllegalArgumentException("bad blob id");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
