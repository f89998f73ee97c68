package dev.letterbox.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** The SASL PLAIN message (RFC 4616): {@code [authzid] NUL authcid NUL passwd}, base64 on the wire. */
public record SaslPlain(String authorizationId, String username, char[] password) {

    /** Decodes the base64 client response; empty when it is not a well-formed PLAIN message. */
    public static Optional<SaslPlain> decode(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        try {
            int first = indexOf(raw, 0), second = first < 0 ? -1 : indexOf(raw, first + 1);
            if (first < 0 || second < 0 || indexOf(raw, second + 1) >= 0) return Optional.empty();
            String authz = utf8(raw, 0, first);
            String user = utf8(raw, first + 1, second);
            char[] pw = utf8Chars(raw, second + 1, raw.length);
            if (user.isEmpty() || pw.length == 0) return Optional.empty();
            return Optional.of(new SaslPlain(authz, user, pw));
        } catch (CharacterCodingException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** PLAIN allows acting as another user; we only accept an authzid equal to the login (or none). */
    public boolean authorizationMatches() {
        return authorizationId.isEmpty() || authorizationId.equalsIgnoreCase(username);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == 0) return i;
        return -1;
    }

    private static String utf8(byte[] b, int from, int to) throws CharacterCodingException {
        return new String(utf8Chars(b, from, to));
    }

    private static char[] utf8Chars(byte[] b, int from, int to) throws CharacterCodingException {
        var cb = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b, from, to - from));
        char[] out = new char[cb.remaining()];
        cb.get(out);
        return out;
    }

    @Override
    public String toString() {
        return "SaslPlain[" + username + "]"; // never the password
    }
}
