package dev.letterbox.store;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A password of its own for one mail app ("Phone"), usable only for {@code protocols}. The secret
 * itself is never stored: {@code secretHash} is its SHA-256 (hex), {@code scram} its SCRAM keys
 * under the account's salt. {@code lastUsed}/{@code lastIp}: its last successful login.
 */
public record AppPassword(long id, long accountId, String name, Set<LoginProtocol> protocols, Instant created,
                          Optional<Instant> lastUsed, Optional<String> lastIp, String secretHash, ScramKeys scram) {
    @Override
    public String toString() {
        return "AppPassword[" + accountId + "/" + name + ", " + LoginProtocol.formatList(protocols) + "]";
    }
}
