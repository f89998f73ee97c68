package dev.letterbox.testing;

import java.util.ArrayList;
import java.util.List;

/** Messages the client-library tests (Angus Mail over SMTP, POP3 and IMAP) send and read back. */
public final class TestMessages {
    private TestMessages() {}

    /**
     * A multipart/mixed message with CRLF line ends: the given header fields, then an encoded-word
     * Subject ("Grüße"), a UTF-8 text part made of {@code textLines}, and a small base64 attachment
     * "a.bin" (octets 0..9).
     */
    public static String multipart(List<String> headers, String... textLines) {
        List<String> lines = new ArrayList<>(headers);
        lines.addAll(List.of("Subject: =?UTF-8?B?R3LDvMOfZQ==?=", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"b1\"", "", "--b1", "Content-Type: text/plain; charset=UTF-8", ""));
        lines.addAll(List.of(textLines));
        lines.addAll(List.of("--b1", "Content-Type: application/octet-stream; name=\"a.bin\"",
                "Content-Transfer-Encoding: base64", "", "AAECAwQFBgcICQ==", "--b1--", ""));
        return String.join("\r\n", lines);
    }
}
