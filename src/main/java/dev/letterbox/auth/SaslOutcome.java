package dev.letterbox.auth;

import java.io.IOException;
import java.util.Optional;

/** How a SASL exchange run by {@link LoginGuard#authenticate} ended. */
public sealed interface SaslOutcome {
    /**
     * The credentials were checked: {@code login} says how. With {@code LoggedIn}, {@code successData}
     * is what the mechanism still has to tell the client (SCRAM's server-final message): sent with
     * the success where the protocol allows (ManageSieve), else as one more challenge answered empty.
     */
    record Checked(LoginOutcome login, Optional<byte[]> successData) implements SaslOutcome {
        /**
         * For protocols whose success reply has no room for data (IMAP, POP3, SMTP): sends the
         * success data as one more challenge, which the client must answer with an empty response.
         * False, with the login undone, when it answers anything else (it did not accept the
         * server's proof); true when there is nothing to send.
         */
        public boolean confirmOverChallenge(SaslChannel channel) throws IOException {
            if (!(login instanceof LoginOutcome.LoggedIn in) || successData.isEmpty()) return true;
            byte[] answer;
            try {
                answer = channel.exchange(successData.get());
            } catch (SaslChannel.Malformed e) {
                answer = null;
            } catch (IOException e) {
                in.watch().close();
                throw e;
            }
            if (answer != null && answer.length == 0) return true;
            in.watch().close();
            return false;
        }
    }

    /** The client asked to act as someone else (an authorization identity that is not its own). */
    record NotAuthorized() implements SaslOutcome {}

    /** The client ended the exchange with "*". */
    record Cancelled() implements SaslOutcome {}

    /** A message that breaks the mechanism's syntax or rules; {@code reason} is one line for the client. */
    record Malformed(String reason) implements SaslOutcome {}
}
