package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The header keys SEARCH and SORT use instead of reading the message: the same answers as reading it. */
class HeaderKeysTest {
    private static final String MESSAGE = "From: =?UTF-8?Q?J=C3=BCrgen?= <juergen (work) @example.org>\r\n"
            + "To: team: a@example.org, b@example.org;\r\n"
            + "Subject: Re: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "Subject: a second subject field\r\n"
            + "Date: Tue, 8 Feb 1994 09:00:00 -0800\r\n"
            + "Message-ID: <m2@example.org>\r\n"
            + "References: <m0@example.org> <m1@example.org>\r\n"
            + "\r\nbody text with From: nobody\r\n";

    private static HeaderKeys keys(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return HeaderKeys.of(MessageStructure.parse(new ByteArrayInputStream(bytes)), new ByteArrayInputStream(bytes));
    }

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource({
            "FROM, jürgen, true",            // decoded encoded word
            "from, JÜRGEN, true",            // folded: any case of name and needle
            "From, juergen@example.org, true", // the address as parsed, without the comment inside it
            "From, (work), true",            // the header text still counts
            "From, nobody, false",           // the body is not the header
            "To, b@example.org, true",
            "To, team:, true",
            "Cc, '', false",                 // an empty needle needs the field
            "To, '', true",
            "Bcc, x, false",
            "Subject, grüße, true",          // the decoded subject (the first Subject field)
            "Subject, second subject, false",
            "Subject, '', true",
    })
    void fieldMatchesAsReadingTheHeaderDoes(String field, String needle, boolean expected) throws IOException {
        assertTrue(HeaderKeys.answers(field));
        assertEquals(expected, keys(MESSAGE).fieldMatches(field, UnicodeCasemap.key(needle)));
    }

    @Test
    void sortAndThreadKeysAreTheStructures() throws IOException {
        HeaderKeys k = keys(MESSAGE);
        MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Instant.parse("1994-02-08T17:00:00Z"), k.sentDate());
        assertEquals("Tue, 8 Feb 1994 09:00:00 -0800", k.firstDateValue());
        assertEquals(s.baseSubject(), k.baseSubject());
        assertEquals(s.sortFrom(), k.sortFrom());
        assertEquals(s.sortTo(), k.sortTo());
        assertEquals(s.displayFrom(), k.displayFrom());
        assertEquals("<m2@example.org>", k.messageId());
        assertEquals(s.references(), k.references());
        assertFalse(HeaderKeys.answers("X-Priority"));
    }

    @Test
    void aMessageWithoutTheFieldsHasEmptyKeys() throws IOException {
        HeaderKeys k = keys("X-Other: 1\r\n\r\nbody\r\n");
        assertNull(k.sentDate());
        assertNull(k.firstDateValue());
        assertEquals("", k.sortFrom());
        assertFalse(k.fieldMatches("Subject", ""));
        assertFalse(k.fieldMatches("From", ""));
    }
}
