package dev.letterbox.auth;

import dev.letterbox.store.AccountScram;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802 §5 and §7, RFC 7677), with the
 * {@code tls-exporter} channel binding (RFC 9266): client-first, server-first, client-final, then
 * the proof is checked through the {@link LoginGuard} like a password (same throttle), and the
 * server-final message is handed back for the protocol to send.
 *
 * <p>Channel binding (§6): with -PLUS the client must send {@code p=tls-exporter} and bind to this
 * TLS connection's exporter value; without it, a client saying {@code y} (it could bind, but thought
 * the server could not) is refused when this server offers -PLUS here, since someone in between
 * must have removed it from the list.
 */
final class ScramExchange {
    static final String CHANNEL_BINDING = "tls-exporter";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_MESSAGE = 4096;

    private final boolean plus;
    /** This connection's tls-exporter value; empty without TLS. */
    private final Optional<byte[]> binding;

    ScramExchange(boolean plus, Optional<byte[]> binding) {
        this.plus = plus;
        this.binding = binding;
    }

    /** The parts of the client-first message the rest of the exchange needs. */
    private record ClientFirst(String gs2Header, String bare, String username, String nonce) {}

    /** A rule of the mechanism broken: ends the exchange with {@link SaslOutcome.Malformed} or {@link SaslOutcome.NotAuthorized}. */
    private static final class Refused extends Exception {
        final transient SaslOutcome outcome;

        Refused(SaslOutcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }

        static Refused malformed(String reason) {
            return new Refused(new SaslOutcome.Malformed(reason));
        }
    }

    SaslOutcome run(LoginGuard guard, Optional<byte[]> initial, SaslChannel channel, LoginGuard.Attempt attempt)
            throws IOException, InterruptedException {
        try {
            byte[] firstRaw = initial.isPresent() ? initial.get() : channel.exchange(new byte[0]);
            if (firstRaw == null) return new SaslOutcome.Cancelled();
            ClientFirst first = clientFirst(text(firstRaw), guard);
            AccountScram salt = guard.directory().scramSalt(first.username());
            byte[] serverNonce = new byte[18];
            RANDOM.nextBytes(serverNonce);
            String nonce = first.nonce() + Base64.getEncoder().encodeToString(serverNonce);
            String serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(salt.salt()) + ",i=" + salt.iterations();
            byte[] finalRaw = channel.exchange(serverFirst.getBytes(StandardCharsets.US_ASCII));
            if (finalRaw == null) return new SaslOutcome.Cancelled();
            String clientFinal = text(finalRaw);
            int proofAt = clientFinal.lastIndexOf(",p=");
            if (proofAt < 0) throw Refused.malformed("client-final message without a proof");
            String withoutProof = clientFinal.substring(0, proofAt);
            byte[] proof = base64(clientFinal.substring(proofAt + 3), "proof");
            String[] attrs = withoutProof.split(",", -1);
            if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r=")) {
                throw Refused.malformed("client-final message must start with c= and r=");
            }
            if (!attrs[1].substring(2).equals(nonce)) throw Refused.malformed("the nonce does not match");
            boolean bound = MessageDigest.isEqual(base64(attrs[0].substring(2), "channel binding"), bindingInput(first.gs2Header()));
            byte[] authMessage = (first.bare() + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
            // a wrong channel binding is a failed login like a wrong proof: counted, delayed, logged
            LoginOutcome outcome = guard.check(first.username(), attempt,
                    () -> bound ? guard.directory().authenticateScram(first.username(), authMessage, proof,
                            attempt.protocol(), attempt.client().getHostAddress())
                            : new AuthResult.BadCredentials());
            Optional<byte[]> successData = outcome instanceof LoginOutcome.LoggedIn in
                    ? Optional.of(("v=" + Base64.getEncoder().encodeToString(in.serverSignature())).getBytes(StandardCharsets.US_ASCII))
                    : Optional.empty();
            return new SaslOutcome.Checked(outcome, successData);
        } catch (SaslChannel.Malformed e) {
            return new SaslOutcome.Malformed(e.getMessage());
        } catch (Refused e) {
            return e.outcome;
        }
    }

    /** What {@code c=} must carry: the GS2 header, then (with -PLUS) the channel binding data. */
    private byte[] bindingInput(String gs2Header) {
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        if (!plus) return header;
        byte[] cb = binding.orElseThrow();
        byte[] out = new byte[header.length + cb.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(cb, 0, out, header.length, cb.length);
        return out;
    }

    /** RFC 5802 §7: gs2-header ("n,," / "y,," / "p=tls-exporter,," with an optional a=authzid) and the bare message. */
    private ClientFirst clientFirst(String message, LoginGuard guard) throws Refused {
        int firstComma = message.indexOf(',');
        int secondComma = firstComma < 0 ? -1 : message.indexOf(',', firstComma + 1);
        if (secondComma < 0) throw Refused.malformed("client-first message without a GS2 header");
        String flag = message.substring(0, firstComma);
        String authzField = message.substring(firstComma + 1, secondComma);
        String gs2Header = message.substring(0, secondComma + 1);
        String bare = message.substring(secondComma + 1);
        checkChannelBindingFlag(flag);
        String[] attrs = bare.split(",", -1);
        if (attrs.length < 2) throw Refused.malformed("client-first message needs n= and r=");
        if (attrs[0].startsWith("m=")) throw Refused.malformed("mandatory extensions are not supported");
        if (!attrs[0].startsWith("n=") || !attrs[1].startsWith("r=")) throw Refused.malformed("client-first message must be n=user,r=nonce");
        String username = guard.qualify(saslName(attrs[0].substring(2)));
        String nonce = attrs[1].substring(2);
        if (username.isEmpty()) throw Refused.malformed("empty user name");
        if (nonce.isEmpty()) throw Refused.malformed("empty nonce");
        for (char c : nonce.toCharArray()) if (c < 0x21 || c > 0x7e) throw Refused.malformed("nonce must be printable ASCII");
        if (!authzField.isEmpty()) {
            if (!authzField.startsWith("a=")) throw Refused.malformed("bad GS2 authorization identity");
            String authzid = guard.qualify(saslName(authzField.substring(2)));
            if (!authzid.equalsIgnoreCase(username)) throw new Refused(new SaslOutcome.NotAuthorized());
        }
        return new ClientFirst(gs2Header, bare, username, nonce);
    }

    private void checkChannelBindingFlag(String flag) throws Refused {
        if (plus) {
            if (!flag.startsWith("p=")) throw Refused.malformed("SCRAM-SHA-256-PLUS needs channel binding (p=" + CHANNEL_BINDING + ")");
            if (!flag.substring(2).equals(CHANNEL_BINDING)) throw Refused.malformed("unsupported channel binding type; use " + CHANNEL_BINDING);
            if (binding.isEmpty()) throw Refused.malformed("channel binding needs TLS");
            return;
        }
        switch (flag) {
            case "n" -> { }
            // §6: the client could bind but believed we could not; we can, so -PLUS was taken off the list
            case "y" -> {
                if (binding.isPresent()) throw Refused.malformed("the server supports channel binding: use SCRAM-SHA-256-PLUS");
            }
            default -> throw Refused.malformed(flag.startsWith("p=")
                    ? "channel binding needs SCRAM-SHA-256-PLUS" : "bad GS2 channel binding flag");
        }
    }

    /** RFC 5802 §5.1: "=2C" is ',' and "=3D" is '='; any other '=' is an error. */
    private static String saslName(String raw) throws Refused {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '=') {
                sb.append(c);
                continue;
            }
            if (raw.startsWith("=2C", i)) sb.append(',');
            else if (raw.startsWith("=3D", i)) sb.append('=');
            else throw Refused.malformed("bad escape in a user name");
            i += 2;
        }
        return sb.toString();
    }

    private static String text(byte[] raw) throws Refused {
        if (raw.length > MAX_MESSAGE) throw Refused.malformed("SCRAM message too long");
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw Refused.malformed("SCRAM message is not UTF-8");
        }
    }

    private static byte[] base64(String value, String what) throws Refused {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw Refused.malformed(what + " is not base64");
        }
    }
}
