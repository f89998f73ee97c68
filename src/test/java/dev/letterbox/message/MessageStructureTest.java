package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SORT/THREAD keys, limits on hostile input, and the stored form refusing garbage. */
class MessageStructureTest {

    private static MessageStructure parse(byte[] raw) throws IOException {
        return MessageStructure.parse(new ByteArrayInputStream(raw));
    }

    private static MessageStructure parse(String raw) throws IOException {
        return parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sortAndThreadKeys() throws IOException {
        MessageStructure s = parse(Corpus.load("12-groups-and-odd-addresses.eml"));
        assertEquals("john.q.public", s.sortFrom());
        assertEquals("mary", s.sortTo());
        assertEquals("boss", s.sortCc());
        assertEquals("Joe Q. Public", s.displayFrom());
        assertEquals("Mary Smith", s.displayTo());
        assertEquals("<5678.21-Nov-1997@example.com>", s.messageId());
        assertEquals(List.of("<3456@example.net>"), s.references(), "In-Reply-To when there is no References");
        assertEquals("Re: [list] Re: Fwd: groups (fwd)", s.subject());
        assertEquals("groups", s.baseSubject());
        assertEquals(Optional.of(Instant.parse("1997-11-21T15:55:06Z")), s.sentDate());

        MessageStructure m = parse(Corpus.load("02-alternative-in-mixed.eml"));
        assertEquals(List.of("<1000@local.machine.example>", "<1234@local.machine.example>"), m.references());
        assertEquals("R\u00e9union de lundi", m.subject());
        assertEquals("R\u00e9union de lundi", m.baseSubject());

        MessageStructure e = parse(Corpus.load("19-utf8-and-encoded-filenames.eml"));
        assertEquals("\u00c9lo\u00efse", e.displayFrom());
        assertEquals("rcpt@example.com", e.displayTo(), "no display name: the address");

        MessageStructure none = parse("Subject: x\r\n\r\n");
        assertEquals("", none.sortFrom());
        assertEquals("", none.displayFrom());
        assertEquals("", none.messageId());
        assertEquals(List.of(), none.references());
        assertEquals(Optional.empty(), none.sentDate());
        MessageStructure group = parse("To: list:;, Real <real@x.test>\r\nCc: only-group: ;\r\n\r\n");
        // RFC 5256 §3 takes the first ENVELOPE address; for a group that is its start marker, whose
        // addr-mailbox is the group name (RFC 3501 §7.4.2)
        assertEquals("list", group.sortTo());
        assertEquals("only-group", group.sortCc());
        assertEquals("list", group.displayTo(), "RFC 5957: no display name, no host: the group name");
        MessageStructure odd = parse("From: <>\r\nTo: postmaster\r\n\r\n");
        assertEquals("", odd.sortFrom(), "a null address sorts as none");
        assertEquals("", odd.displayFrom());
        assertEquals("postmaster", odd.sortTo());
        assertEquals("postmaster", odd.displayTo());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Re: hello|hello",
        "RE: re: Re[2]: hello|hello",
        "Fwd: hello (fwd)|hello",
        "[fwd: Re: hi]|hi",
        "[PATCH 1/2] fix the thing|fix the thing",
        "[PATCH]|[PATCH]",
        "Re: [list] Re: Fwd: groups (fwd)|groups",
        "'  spaced \t out   subject  '|spaced out subject",
        "Fw : x|x",
        "Reply: not a leader|Reply: not a leader",
        "Re:|''",
        "=?utf-8?q?Re=3A_caf=C3=A9?=|café",
    })
    void baseSubject(String subject, String base) throws IOException {
        assertEquals(base, parse("Subject: " + subject + "\r\n\r\n").baseSubject());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Mon, 7 Feb 1994 21:52:25 -0800 (PST)|1994-02-08T05:52:25Z",
        "7 Feb 1994 21:52 PST|1994-02-08T05:52:00Z",
        "Thu, 3 Jul 03 12:00:00 GMT|2003-07-03T12:00:00Z",
        "Thu, 03 Jul 2003 12:00:00 +0200|2003-07-03T10:00:00Z",
        "Sat, 31 Dec 1999 23:59:60 +0000|1999-12-31T23:59:59Z",
        "Tue,  1 Jul 2003 10:52:37 +0200 (CEST)|2003-07-01T08:52:37Z",
        "1 jan 99 00:00 EDT|1999-01-01T04:00:00Z",
    })
    void sentDates(String date, String instant) throws IOException {
        assertEquals(Optional.of(Instant.parse(instant)), parse("Date: " + date + "\r\n\r\n").sentDate());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"garbage", "Mon, 32 Feb 1994 21:52:25 -0800", "Mon, 7 Feb 1994 25:00 +0000", "''"})
    void unparsableDatesAreAbsent(String date) throws IOException {
        assertEquals(Optional.empty(), parse("Date: " + date + "\r\n\r\n").sentDate());
    }

    /** RFC 5322 §2.2.3: unfolding removes the CRLF only; the white space of the fold stays. */
    @Test
    void envelopeValuesAreUnfoldedNotDecoded() throws IOException {
        MessageStructure s = parse("Subject: a long\r\n  folded\tsubject =?utf-8?q?caf=C3=A9?=\r\n"
                + "In-Reply-To:\r\n <x@y.test>\r\nMessage-ID:   <id@z.test>  \r\n\r\n");
        assertEquals("(NIL \"a long  folded\tsubject =?utf-8?q?caf=C3=A9?=\" NIL NIL NIL NIL NIL NIL \"<x@y.test>\" \"<id@z.test>  \")",
                NodeText.render(s.envelope()));
        assertEquals("a long  folded\tsubject caf\u00e9", s.subject());
        assertEquals("a long folded subject caf\u00e9", s.baseSubject());
        assertEquals("<id@z.test>", s.messageId());
    }

    @Test
    void emptyInputIsAnEmptyTextMessage() throws IOException {
        MessageStructure s = parse(new byte[0]);
        assertEquals(0, s.size());
        assertEquals("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", NodeText.render(s.envelope()));
        assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)",
                NodeText.render(s.bodyStructure(true)));
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
    }

    /** RFC 3501 says NIL for an absent field; a field present but empty is the empty string. */
    @Test
    void presentButEmptyFieldsAreEmptyStrings() throws IOException {
        MessageStructure s = parse("Subject:\r\nReply-To:  \r\nFrom: a@b.test\r\n\r\n");
        assertEquals("(NIL \"\" ((NIL NIL \"a\" \"b.test\")) ((NIL NIL \"a\" \"b.test\")) ((NIL NIL \"a\" \"b.test\")) NIL NIL NIL NIL NIL)",
                NodeText.render(s.envelope()));
    }

    @Test
    void nestingDeeperThanTheLimitIsOneOpaquePart() throws IOException {
        int depth = 60;
        StringBuilder m = new StringBuilder("Subject: deep\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        for (int i = 1; i < depth; i++) m.append("--b").append(i - 1).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n");
        m.append("--b").append(depth - 1).append("\r\nContent-Type: text/plain\r\n\r\nleaf\r\n--b").append(depth - 1).append("--\r\n");
        for (int i = depth - 2; i >= 0; i--) m.append("--b").append(i).append("--\r\n");
        MessageStructure s = parse(m.toString());
        int[] path = new int[MimeTreeBuilder.MAX_DEPTH];
        java.util.Arrays.fill(path, 1);
        MessageStructure.Part opaque = s.part(path).orElseThrow();
        assertEquals("application", opaque.mediaType());
        assertEquals("octet-stream", opaque.mediaSubtype());
        assertFalse(s.part(java.util.Arrays.copyOf(path, path.length + 1)).isPresent());
        String rendered = NodeText.render(s.bodyStructure(true));
        assertEquals(MimeTreeBuilder.MAX_DEPTH + 1, rendered.chars().takeWhile(c -> c == '(').count());
        assertTrue(rendered.contains("\"application\" \"octet-stream\" NIL NIL NIL \"7bit\""));
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
    }

    @Test
    void deeplyNestedMessagesStopAtTheLimitToo() throws IOException {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 80; i++) m.append("Subject: level ").append(i).append("\r\nContent-Type: message/rfc822\r\n\r\n");
        m.append("Subject: bottom\r\n\r\nbottom text\r\n");
        MessageStructure s = parse(m.toString());
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
        try (InMemoryChannel ch = new InMemoryChannel(m.toString().getBytes(StandardCharsets.US_ASCII))) {
            assertTrue(MessageSearch.headerValues(new ByteArrayInputStream(m.toString().getBytes(StandardCharsets.US_ASCII)), s, "subject")
                    .contains("level 0"));
            assertFalse(MessageSearch.bodyContains(ch, s, "bottom text"), "content past the limit is not text");
        }
    }

    @Test
    void partCountIsBounded() throws IOException {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes("Content-Type: multipart/mixed; boundary=p\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] part = "--p\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 20_000; i++) m.writeBytes(part);
        m.writeBytes("--p--\r\n".getBytes(StandardCharsets.US_ASCII));
        MessageStructure s = parse(m.toByteArray());
        assertTrue(s.part(new int[] {MimeTreeBuilder.MAX_PARTS - 1}).isPresent());
        assertFalse(s.part(new int[] {MimeTreeBuilder.MAX_PARTS}).isPresent());
        MessageStructure.Part last = s.part(new int[] {MimeTreeBuilder.MAX_PARTS - 1}).orElseThrow();
        assertEquals(1, last.end() - last.bodyStart());
        assertEquals(s, MessageStructure.deserialize(s.serialize()));
    }

    @Test
    void aHugeLineCostsNoMemory() throws IOException {
        long size = 64L * 1024 * 1024;
        byte[] header = "Content-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        InputStream in = new InputStream() {
            long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) return -1;
                if (pos < header.length) {
                    b[off] = header[(int) pos++];
                    return 1;
                }
                int n = (int) Math.min(len, size - pos);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                pos += n;
                return n;
            }
        };
        MessageStructure s = MessageStructure.parse(in);
        assertEquals(size, s.size());
        assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" " + (size - header.length) + " 0)",
                NodeText.render(s.bodyStructure(false)));
    }

    @Test
    void storedFormRefusesGarbage() throws IOException {
        byte[] good = parse(Corpus.load("03-message-rfc822.eml")).serialize();
        assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(null));
        byte[] otherFormat = good.clone();
        otherFormat[0] = 99;
        assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(otherFormat));
        for (int len = 1; len < good.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            assertThrows(IllegalArgumentException.class, () -> MessageStructure.deserialize(cut), "truncated at " + len);
        }
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] noise = good.clone();
            noise[1 + random.nextInt(noise.length - 1)] = (byte) random.nextInt(256);
            try {
                MessageStructure.deserialize(noise);
            } catch (IllegalArgumentException expected) {
                // fine: only this exception type is allowed
            }
            byte[] junk = new byte[random.nextInt(200) + 1];
            random.nextBytes(junk);
            junk[0] = StructureCodec.FORMAT;
            try {
                MessageStructure.deserialize(junk);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }

    @Test
    void storedFormIsCompact() throws IOException {
        byte[] raw = Corpus.load("02-alternative-in-mixed.eml");
        int stored = parse(raw).serialize().length;
        assertTrue(stored < 1000, "stored structure of a 4-part message: " + stored + " octets");
    }
}
