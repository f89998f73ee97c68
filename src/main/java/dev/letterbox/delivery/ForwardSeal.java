package dev.letterbox.delivery;

import java.util.List;

/**
 * Seals a message we forward (RFC 8617 ARC): given the header section as it will leave here, the
 * fields to put on top of it (ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results), or none.
 * Lets the next receiver trust our verdict on the original sender after the forward broke SPF.
 */
@FunctionalInterface
public interface ForwardSeal {
    List<String> fields(byte[] headerSection);
}
