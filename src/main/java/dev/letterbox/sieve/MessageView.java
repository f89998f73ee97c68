package dev.letterbox.sieve;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a script may look at, implemented by the caller (delivery). Everything but the header
 * fields, the envelope and the size has a default meaning "not available".
 */
public interface MessageView {
    /** All header fields in message order (see {@link HeaderField} for the raw form). */
    List<HeaderField> headers();

    /** The envelope sender (MAIL FROM) without angle brackets; "" for the null reverse path. */
    String envelopeFrom();

    /** The envelope recipient this run delivers to (RCPT TO), without angle brackets. */
    String envelopeTo();

    /** The message size in octets. */
    long size();

    /** The authenticated sender (envelope part "auth"), if the message was submitted with AUTH. */
    default Optional<String> envelopeAuth() {
        return Optional.empty();
    }

    /** The body as it is in the message (body :raw), or as much of it as the caller wants searched. */
    default String rawBody() {
        return "";
    }

    /** The leaf MIME parts, decoded (body :content and :text). */
    default List<BodyPart> bodyParts() {
        return List.of();
    }

    /** Now, in the server's zone (currentdate, and the default zone of the date test). */
    default ZonedDateTime now() {
        return ZonedDateTime.now();
    }

    /** RFC 5183 environment items: "domain", "host", "location", "name", "phase", "remote-host", ... */
    default Optional<String> environment(String item) {
        return Optional.empty();
    }

    /** RFC 3685/5235: the spam verdict as 0 (surely not spam) to 100 (surely spam); empty if not tested. */
    default OptionalInt spamPercent() {
        return OptionalInt.empty();
    }

    /** RFC 3685: 1 (clean) to 5 (surely infected); empty if not tested. */
    default OptionalInt virusLevel() {
        return OptionalInt.empty();
    }

    /** RFC 5490 mailboxexists: whether the recipient has a mailbox by this name (UTF-8). */
    default boolean mailboxExists(String name) {
        return false;
    }

    default DuplicateTracker duplicates() {
        return DuplicateTracker.NEVER_SEEN;
    }

    default IncludeResolver includes() {
        return IncludeResolver.NONE;
    }
}
