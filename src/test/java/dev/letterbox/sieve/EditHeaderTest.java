package dev.letterbox.sieve;

import static dev.letterbox.sieve.Sieve.assertActions;
import static dev.letterbox.sieve.Sieve.assertCompileError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 5293 editheader: addheader (top or :last), deleteheader (:index, :last, value patterns), protection. */
class EditHeaderTest {
    private static TestMessage msg() {
        return TestMessage.of("""
                Received: from a by b
                X-Spam-Level: ****
                Delivered-To: one@example.com
                Subject: hello
                Delivered-To: two@example.com

                """);
    }

    private static List<String> names(SieveResult r) {
        List<String> out = new ArrayList<>();
        for (HeaderField f : r.headers()) out.add(f.name() + ":" + f.value());
        return out;
    }

    @Test
    void addAtTopOrBottom() {
        SieveResult r = Sieve.run("require \"editheader\"; addheader \"X-Source\" \"mail.example.com\";"
                + " addheader :last \"X-Hello\" \"Wörld\";", msg());
        assertTrue(r.headersChanged());
        List<String> h = names(r);
        assertEquals("X-Source: mail.example.com", h.get(0));
        assertEquals("X-Hello: =?UTF-8?B?V8O2cmxk?=", h.get(h.size() - 1));
        assertEquals("Wörld", Run.decode(r.headers().get(6).value()));
        assertEquals(7, h.size());
    }

    @Test
    void deleteWithIndexAndPatterns() {
        SieveResult r = Sieve.run("require \"editheader\"; deleteheader :index 1 :last \"Delivered-To\";"
                + " deleteheader :matches \"x-spam-level\" \"**\";", msg());
        assertEquals(List.of("Received: from a by b", "Delivered-To: one@example.com", "Subject: hello"), names(r));
        SieveResult none = Sieve.run("require \"editheader\"; deleteheader :contains \"subject\" \"bye\";", msg());
        assertFalse(none.headersChanged());
    }

    @Test
    void testsSeeTheEdits() {
        String s = """
                require ["editheader", "fileinto"];
                addheader "X-Tag" "filtered";
                if header :is "x-tag" "filtered" { fileinto "saw-add"; }
                deleteheader "subject";
                if not exists "subject" { fileinto "saw-delete"; }
                """;
        assertActions(s, msg(), "fileinto saw-add", "fileinto saw-delete");
    }

    @Test
    void receivedAndAutoSubmittedAreProtected() {
        SieveResult r = Sieve.run("require \"editheader\"; deleteheader \"received\";"
                + " addheader \"Auto-Submitted\" \"no\"; addheader \"Received\" \"forged\";", msg());
        assertFalse(r.headersChanged());
        assertEquals(msg().headers(), r.headers());
    }

    @Test
    void lineBreaksCannotAddFields() {
        SieveResult r = Sieve.run("require [\"editheader\", \"variables\"]; set \"v\" text:\nx\nBcc: evil@example.org\n.\n;"
                + " addheader \"X-A\" \"${v}\";", msg());
        assertEquals("X-A: x Bcc: evil@example.org ", names(r).get(0));
    }

    @Test
    void errors() {
        assertCompileError("require \"editheader\"; addheader \"Bad Name\" \"v\";",
                "line 1: \"Bad Name\" is not a header field name");
        assertCompileError("require \"editheader\"; deleteheader :last \"x\";", "line 1: :last needs :index");
        assertCompileError("addheader \"x\" \"y\";", "line 1: addheader needs require \"editheader\"");
    }
}
