package dev.letterbox.store;

import java.util.List;

/**
 * An alias: mail for {@code address} goes to each of {@code targets}. An address of the form
 * {@code @domain} is that domain's catch-all. Targets are addresses, local or remote.
 */
public record Alias(String address, List<String> targets) {
    public boolean isCatchAll() {
        return address.startsWith("@");
    }
}
