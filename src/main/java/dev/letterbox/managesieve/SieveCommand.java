package dev.letterbox.managesieve;

import java.util.Optional;

/** A ManageSieve command (RFC 5804 §2), parsed. Script names are decoded; scripts stay octets. */
public sealed interface SieveCommand {
    /** §2.1: {@code initialResponse} is the base64 text as sent (SASL-IR style). */
    record Authenticate(String mechanism, Optional<String> initialResponse) implements SieveCommand {}

    /** §2.2. */
    record StartTls() implements SieveCommand {}

    /** §2.3. */
    record Logout() implements SieveCommand {}

    /** §2.4. */
    record Capability() implements SieveCommand {}

    /** §2.5. */
    record HaveSpace(String name, long size) implements SieveCommand {}

    /** §2.6. */
    record PutScript(String name, byte[] script) implements SieveCommand {}

    /** §2.7. */
    record ListScripts() implements SieveCommand {}

    /** §2.8: an empty name deactivates every script. */
    record SetActive(String name) implements SieveCommand {}

    /** §2.9. */
    record GetScript(String name) implements SieveCommand {}

    /** §2.10. */
    record DeleteScript(String name) implements SieveCommand {}

    /** §2.11.1. */
    record RenameScript(String from, String to) implements SieveCommand {}

    /** §2.12. */
    record CheckScript(byte[] script) implements SieveCommand {}

    /** §2.13: the optional tag is echoed in a TAG response code. */
    record Noop(Optional<String> tag) implements SieveCommand {}

    /** §2.14.1. */
    record Unauthenticate() implements SieveCommand {}
}
