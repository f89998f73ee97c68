package dev.letterbox.store;

/**
 * An account whose mail is forwarded: all mail for {@code address} goes on to {@code target};
 * with {@code keepCopy} it is also stored in the account as before.
 */
public record AccountForwarding(String address, String target, boolean keepCopy) {}
