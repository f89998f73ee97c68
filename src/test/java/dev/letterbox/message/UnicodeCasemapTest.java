package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5051 i;unicode-casemap: titlecase, then canonical decomposition, then code point order. */
class UnicodeCasemapTest {
    @Test
    void keysAreTitlecasedAndDecomposed() {
        assertEquals("HELLO, WORLD 1", UnicodeCasemap.key("Hello, world 1"));
        assertEquals("E\u0301MILE", UnicodeCasemap.key("émile"));
        assertEquals(UnicodeCasemap.key("\u00c9MILE"), UnicodeCasemap.key("e\u0301mile"), "composed or not, the same key");
        assertEquals("N\u0303ANDU\u0301", UnicodeCasemap.key("ñandú"));
        assertEquals("\u01c5", UnicodeCasemap.key("\u01c6"), "dž has its own titlecase letter, Dž");
        assertEquals("", UnicodeCasemap.key(null));
    }

    @Test
    void accentedWordsSortWithTheirBaseLetters() {
        List<String> subjects = new ArrayList<>(List.of("Zebra", "Ñandú über alles", "notify", "Of course", "émile", "Echo"));
        subjects.sort((a, b) -> UnicodeCasemap.ORDER.compare(UnicodeCasemap.key(a), UnicodeCasemap.key(b)));
        assertEquals(List.of("Echo", "émile", "notify", "Ñandú über alles", "Of course", "Zebra"), subjects);
    }

    @Test
    void orderIsByCodePointNotUtf16Unit() {
        String supplementary = new String(Character.toChars(0x1F600)); // above U+FFFF
        assertTrue(UnicodeCasemap.ORDER.compare("\uFFFD", supplementary) < 0, "U+FFFD before U+1F600, as in UTF-8");
        assertTrue(UnicodeCasemap.ORDER.compare("AB", "ABC") < 0);
        assertEquals(0, UnicodeCasemap.ORDER.compare("ABC", "ABC"));
    }

    @Test
    void substringsMatchWithoutCaseOrComposition() {
        assertTrue(new FoldedMatcher("re").feed("Réunion"), "as Dovecot: the accent is a separate mark");
        assertTrue(new FoldedMatcher("RÉU").feed("re\u0301union"), "composed needle, decomposed text");
        assertFalse(new FoldedMatcher("rèu").feed("Réunion"), "a different accent is a different letter");
        FoldedMatcher acrossPieces = new FoldedMatcher("ÑANDÚ");
        assertFalse(acrossPieces.feed("the ña"));
        assertTrue(acrossPieces.feed("ndu\u0301 runs"));
    }
}
