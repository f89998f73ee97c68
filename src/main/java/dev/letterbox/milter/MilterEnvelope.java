package dev.letterbox.milter;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the filter is told about a message besides its bytes: the SMTP conversation that brought it
 * and the names Sendmail's macros carry. Absent parts are null (a message from {@code letterbox
 * deliver} has no client address, an unauthenticated one no auth identity).
 *
 * @param clientAddress  the SMTP client's address, or null when there is no network client
 * @param clientPort     its port (0 when unknown)
 * @param clientName     the client's verified reverse DNS name, or null ("unknown" is sent)
 * @param serverAddress  our address the client connected to ({if_addr}), or null
 * @param helo           the EHLO/HELO argument, or null
 * @param mailFrom       the reverse path without angle brackets; empty for the null sender
 * @param mailParameters MAIL FROM's ESMTP parameters as written ({@code SIZE=1234}, {@code BODY=8BITMIME})
 * @param recipients     the accepted forward paths, without angle brackets; at least one
 * @param authIdentity   the SASL authenticated user ({auth_authen}), or null
 * @param authMechanism  the SASL mechanism ({auth_type}), or null
 * @param tlsVersion     the TLS protocol ({tls_version}, e.g. "TLSv1.3"), or null without TLS
 * @param tlsCipher      the cipher suite ({cipher}), or null
 * @param queueId        our id for the message ({i}), shown in the filter's log; or null
 * @param hostname       our host name ({j}), or null
 * @param daemonName     the listener's name ({daemon_name}, e.g. "smtp"), or null
 */
public record MilterEnvelope(
        InetAddress clientAddress,
        int clientPort,
        String clientName,
        InetAddress serverAddress,
        String helo,
        String mailFrom,
        List<String> mailParameters,
        List<String> recipients,
        String authIdentity,
        String authMechanism,
        String tlsVersion,
        String tlsCipher,
        String queueId,
        String hostname,
        String daemonName) {

    public MilterEnvelope {
        Objects.requireNonNull(mailFrom, "mailFrom (empty for the null sender)");
        mailParameters = List.copyOf(mailParameters);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) throw new IllegalArgumentException("a message has at least one recipient");
        if (clientPort < 0 || clientPort > 65_535) throw new IllegalArgumentException("client port out of range");
    }

    /** Starts an envelope with the only two parts every message has. */
    public static Builder builder(String mailFrom, List<String> recipients) {
        return new Builder(mailFrom, recipients);
    }

    /** Fills the optional parts by name; everything not set stays null. */
    public static final class Builder {
        private final String mailFrom;
        private final List<String> recipients;
        private final List<String> mailParameters = new ArrayList<>();
        private InetAddress clientAddress;
        private int clientPort;
        private String clientName;
        private InetAddress serverAddress;
        private String helo;
        private String authIdentity;
        private String authMechanism;
        private String tlsVersion;
        private String tlsCipher;
        private String queueId;
        private String hostname;
        private String daemonName;

        private Builder(String mailFrom, List<String> recipients) {
            this.mailFrom = mailFrom;
            this.recipients = List.copyOf(recipients);
        }

        public Builder client(InetAddress address, int port, String reverseName) {
            this.clientAddress = address;
            this.clientPort = port;
            this.clientName = reverseName;
            return this;
        }

        public Builder server(InetAddress address, String hostname, String daemonName) {
            this.serverAddress = address;
            this.hostname = hostname;
            this.daemonName = daemonName;
            return this;
        }

        public Builder helo(String helo) {
            this.helo = helo;
            return this;
        }

        public Builder mailParameters(List<String> parameters) {
            mailParameters.addAll(parameters);
            return this;
        }

        public Builder auth(String identity, String mechanism) {
            this.authIdentity = identity;
            this.authMechanism = mechanism;
            return this;
        }

        public Builder tls(String version, String cipher) {
            this.tlsVersion = version;
            this.tlsCipher = cipher;
            return this;
        }

        public Builder queueId(String queueId) {
            this.queueId = queueId;
            return this;
        }

        public MilterEnvelope build() {
            return new MilterEnvelope(clientAddress, clientPort, clientName, serverAddress, helo, mailFrom,
                    mailParameters, recipients, authIdentity, authMechanism, tlsVersion, tlsCipher, queueId,
                    hostname, daemonName);
        }
    }
}
