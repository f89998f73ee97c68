package dev.letterbox.delivery;

import java.util.List;

/**
 * Seals a message we forward (RFC 8617 ARC): given the header section as it will leave here, the
 * fields to put on top of it (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results), or none.
 * Lets the next receiver trust our verdict on the original sender after the forward broke SPF.
 *
 * <p>Asked only when a copy is forwarded (an alias, account forwarding or a Sieve redirect), while
 * the message's spool can still be read.
 */
@FunctionalInterface
public interface ForwardSeal {
    /**
     * @param forwardedFor the address of ours the copy is forwarded for: its domain seals, with its
     *                     key; no fields when that domain has no key
     */
    List<String> fields(String forwardedFor, byte[] headerSection);
}
