package dev.letterbox.dns;

/** One MX record: {@code host} without the trailing dot; "." alone is the null MX of RFC 7505. */
public record MxHost(int preference, String host) {
    public boolean isNullMx() {
        return host.isEmpty() || host.equals(".");
    }
}
