package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5464 METADATA and METADATA-SERVER over real sockets. */
class ImapMetadataTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    @Test
    void mailboxAndServerEntriesAreSetReadAndRemoved() throws Exception {
        String user = server.newUser("md");
        try (ImapTestClient c = ImapTestClient.login(server, user)) {
            String caps = c.run("c0 CAPABILITY").ok().one("* CAPABILITY") + " ";
            assertTrue(caps.contains(" METADATA ") && caps.contains(" METADATA-SERVER "), caps);
            c.run("m1 SETMETADATA INBOX (/private/comment \"My inbox\" /Shared/Comment {9+}\r\nfor \"all\")").ok();
            c.run("m2 SETMETADATA \"\" (/shared/admin \"mailto:admin@example.com\")").ok();
            c.run("m3 GETMETADATA INBOX (/private/comment /shared/comment)").ok()
                    .has("* METADATA \"INBOX\" (\"/private/comment\" \"My inbox\" \"/shared/comment\" \"for \\\"all\\\"\")");
            c.run("m4 GETMETADATA \"\" /shared/admin").ok().has("* METADATA \"\" (\"/shared/admin\" \"mailto:admin@example.com\")");
            c.run("m5 GETMETADATA INBOX /private/missing").ok().has("* METADATA \"INBOX\" (\"/private/missing\" NIL)");
            c.run("m6 SETMETADATA INBOX (/private/comment NIL)").ok();
            c.run("m7 GETMETADATA INBOX /private/comment").ok().has("* METADATA \"INBOX\" (\"/private/comment\" NIL)");
            c.run("m8 GETMETADATA Nowhere /private/comment").no().code("NONEXISTENT");
            c.run("m9 SETMETADATA Nowhere (/private/comment \"x\")").no().code("NONEXISTENT");
            // a value with a NUL comes back as a literal8
            c.run("m10 SETMETADATA INBOX (/private/vendor/x/bin ~{3+}\r\na\0b)").ok();
            var bin = c.run("m11 GETMETADATA INBOX /private/vendor/x/bin").ok();
            assertEquals("* METADATA \"INBOX\" (\"/private/vendor/x/bin\" ~{3}\r\na\0b)", bin.one("* METADATA"));
        }
    }

    @Test
    void depthAndMaxSize() throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, server.newUser("mddepth"))) {
            c.run("s1 SETMETADATA INBOX (/private/vendor/a \"1\" /private/vendor/a/b \"22\" /private/vendor/a/b/c \"333\")").ok();
            c.run("g1 GETMETADATA (DEPTH 0) INBOX /private/vendor/a").ok().has("* METADATA \"INBOX\" (\"/private/vendor/a\" \"1\")");
            c.run("g2 GETMETADATA (DEPTH 1) INBOX /private/vendor/a").ok()
                    .has("* METADATA \"INBOX\" (\"/private/vendor/a\" \"1\" \"/private/vendor/a/b\" \"22\")");
            c.run("g3 GETMETADATA (DEPTH infinity) INBOX /private/vendor/a").ok()
                    .has("* METADATA \"INBOX\" (\"/private/vendor/a\" \"1\" \"/private/vendor/a/b\" \"22\" \"/private/vendor/a/b/c\" \"333\")");
            // over MAXSIZE: left out, and the tagged OK tells the longest left out
            c.run("g4 GETMETADATA (MAXSIZE 2 DEPTH infinity) INBOX /private/vendor/a").ok().code("METADATA LONGENTRIES 3")
                    .has("* METADATA \"INBOX\" (\"/private/vendor/a\" \"1\" \"/private/vendor/a/b\" \"22\")");
            // only descendants exist: no NIL for an entry below which there is data
            c.run("g5 GETMETADATA (DEPTH 1) INBOX /private/vendor").ok().has("* METADATA \"INBOX\" (\"/private/vendor\" NIL \"/private/vendor/a\" \"1\")");
        }
    }

    @Test
    void limitsAnswerWithTheirCodes() throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, server.newUser("mdlimit"))) {
            String big = "x".repeat(MetadataHandler.MAX_VALUE + 1);
            c.run("l1 SETMETADATA INBOX (/private/comment {" + big.length() + "+}\r\n" + big + ")").no()
                    .code("METADATA MAXSIZE " + MetadataHandler.MAX_VALUE);
            int made = 0;
            while (made < MetadataHandler.MAX_ENTRIES) {
                StringBuilder cmd = new StringBuilder("l2 SETMETADATA INBOX (");
                for (int i = 0; i < 100 && made < MetadataHandler.MAX_ENTRIES; i++, made++) {
                    cmd.append(i > 0 ? " " : "").append("/private/vendor/n").append(made).append(" \"v\"");
                }
                c.run(cmd.append(")").toString()).ok();
            }
            c.run("l3 SETMETADATA \"\" (/private/vendor/one-more \"v\")").no().code("METADATA TOOMANY");
            c.run("l4 SETMETADATA INBOX (/private/vendor/n1 NIL)").ok();
            c.run("l5 SETMETADATA \"\" (/private/vendor/one-more \"v\")").ok();
        }
    }

    @Test
    void entriesGoWithTheirMailboxAndFollowRename() throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, server.newUser("mdlife"))) {
            c.run("a1 CREATE Projects").ok();
            c.run("a2 SETMETADATA Projects (/private/comment \"work\")").ok();
            c.run("a3 RENAME Projects Old").ok();
            c.run("a4 GETMETADATA Old /private/comment").ok().has("* METADATA \"Old\" (\"/private/comment\" \"work\")");
            c.run("a5 DELETE Old").ok();
            c.run("a6 CREATE Old").ok();
            c.run("a7 GETMETADATA Old /private/comment").ok().has("* METADATA \"Old\" (\"/private/comment\" NIL)");
        }
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"GETMETADATA INBOX /comment", "GETMETADATA INBOX /private/", "GETMETADATA INBOX /private//x",
            "GETMETADATA INBOX /private/a*", "GETMETADATA INBOX /shared/%", "GETMETADATA (DEPTH 2) INBOX /private/a",
            "GETMETADATA (BOGUS 1) INBOX /private/a", "GETMETADATA INBOX ()", "SETMETADATA INBOX ()",
            "SETMETADATA INBOX (/private/a)", "SETMETADATA INBOX (/private/a b)", "SETMETADATA INBOX /private/a \"b\"",
            "GETMETADATA (MAXSIZE -1) INBOX /private/a", "GETMETADATA"})
    void badCommandsAreRefusedAndTheSessionGoesOn(String command) throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, server.newUser("mdbad"))) {
            c.run("b1 " + command).bad();
            c.run("b2 NOOP").ok();
        }
    }

    @Test
    void tooLongAndTooManyEntryNamesAreRefused() throws Exception {
        try (ImapTestClient c = ImapTestClient.login(server, server.newUser("mdbounds"))) {
            c.run("b1 GETMETADATA INBOX /private/" + "a".repeat(300)).bad();
            StringBuilder many = new StringBuilder("b2 GETMETADATA INBOX (");
            for (int i = 0; i <= 100; i++) many.append(i > 0 ? " " : "").append("/private/e").append(i);
            c.run(many.append(")").toString()).bad();
            c.run("b3 NOOP").ok();
        }
    }
}
