package dev.letterbox.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tag lists (RFC 6376 §3.2), table-style: input, then the tags or the error. */
class TagListTest {
    @Test
    void validLists() throws Exception {
        TagList t = TagList.parse(" v=1;a = rsa-sha256 ;\r\n\tb=ab\r\n\t cd;  x= ; ");
        assertEquals("1", t.get("v"));
        assertEquals("rsa-sha256", t.get("a"));
        assertEquals("ab\r\n\t cd", t.get("b"));
        assertEquals("abcd", TagList.squeeze(t.get("b")));
        assertEquals("", t.get("x"));
        assertNull(t.get("V"), "tag names are case-sensitive");
        assertEquals("v", t.firstName());
        // a trailing ';' is allowed, values may hold '='
        assertEquals("Zm9v==", TagList.parse("p=Zm9v==; \r\n\t").get("p"));
        assertNull(TagList.parse("").tag("p"));
    }

    @Test
    void invalidLists() {
        for (String bad : List.of("a=1; a=2", "=x", "1a=x", "a-b=x", "novalue", "a=1; junk", "a=x\u0001y", "a=x\r\ny", "a=1;;b=2",
                ";a=1", "a=1;;")) {
            DkimException e = assertThrows(DkimException.class, () -> TagList.parse(bad), bad);
            assertEquals(DkimResult.Status.NEUTRAL, e.status());
        }
    }

    @Test
    void tooManyTags() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= TagList.MAX_TAGS; i++) sb.append("t").append(i).append("=x;");
        DkimException e = assertThrows(DkimException.class, () -> TagList.parse(sb.toString()));
        assertEquals(DkimResult.Status.NEUTRAL, e.status());
    }

    @Test
    void blankingTheSignatureKeepsEverythingElse() throws Exception {
        // RFC 6376 §3.7: the b= value, whitespace around it included, is treated as empty
        String field = "DKIM-Signature: a=x; b= AB\r\n\tCD ; bh=EF;\r\n\tb2=G";
        TagList t = TagList.parse(field, field.indexOf(':') + 1);
        assertEquals("DKIM-Signature: a=x; b=; bh=EF;\r\n\tb2=G", t.withEmptyValue(field, "b"));
        String last = "DKIM-Signature: a=x; bh=EF; b=AB\r\n\t CD";
        assertEquals("DKIM-Signature: a=x; bh=EF; b=", TagList.parse(last, 15).withEmptyValue(last, "b"));
    }
}
