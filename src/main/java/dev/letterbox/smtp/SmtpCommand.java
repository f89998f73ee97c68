package dev.letterbox.smtp;

import java.util.Optional;

/** One parsed SMTP command (RFC 5321 §4.1.1 and the extensions' commands). */
public sealed interface SmtpCommand {
    /** The verb as a fixed name (for metrics and logs; never client text). */
    String verb();

    record Ehlo(String domain) implements SmtpCommand {
        public String verb() { return "EHLO"; }
    }

    record Helo(String domain) implements SmtpCommand {
        public String verb() { return "HELO"; }
    }

    /** {@code from} is empty for the null reverse-path {@code <>}. */
    record Mail(Optional<Mailbox> from, MailParameters params) implements SmtpCommand {
        public String verb() { return "MAIL"; }
    }

    record Rcpt(Mailbox to, RcptParameters params) implements SmtpCommand {
        public String verb() { return "RCPT"; }
    }

    record Data() implements SmtpCommand {
        public String verb() { return "DATA"; }
    }

    /** RFC 3030: a chunk of exactly {@code size} octets follows the command line. */
    record Bdat(long size, boolean last) implements SmtpCommand {
        public String verb() { return "BDAT"; }
    }

    /** RFC 4468: the message data named by an IMAP URL (with URLAUTH) is added to the message. */
    record Burl(String url, boolean last) implements SmtpCommand {
        public String verb() { return "BURL"; }
    }

    record Rset() implements SmtpCommand {
        public String verb() { return "RSET"; }
    }

    record Noop() implements SmtpCommand {
        public String verb() { return "NOOP"; }
    }

    record Quit() implements SmtpCommand {
        public String verb() { return "QUIT"; }
    }

    record Vrfy(String argument) implements SmtpCommand {
        public String verb() { return "VRFY"; }
    }

    record Expn(String argument) implements SmtpCommand {
        public String verb() { return "EXPN"; }
    }

    record Help(Optional<String> topic) implements SmtpCommand {
        public String verb() { return "HELP"; }
    }

    record StartTls() implements SmtpCommand {
        public String verb() { return "STARTTLS"; }
    }

    /** RFC 4954 §4: the mechanism upper-cased; an initial response of "=" is the empty one. */
    record Auth(String mechanism, Optional<String> initialResponse) implements SmtpCommand {
        public String verb() { return "AUTH"; }

        @Override
        public String toString() {
            return "Auth[" + mechanism + "]"; // never the credentials
        }
    }
}
