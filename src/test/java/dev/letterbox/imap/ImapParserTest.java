package dev.letterbox.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.imap.FetchAttr.Section;
import dev.letterbox.imap.ImapCommand.StatusItem;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Table-style parser tests: wire text in, record out (grammar of RFC 3501 §9 and the extensions). */
class ImapParserTest {
    private static ImapCommand p(String line) throws Exception {
        return WireInput.parse(line + "\r\n");
    }

    @Test
    void simpleCommandsInAnyCase() throws Exception {
        assertEquals(new ImapCommand.Capability("a1"), p("a1 capability"));
        assertEquals(new ImapCommand.Noop("A.2"), p("A.2 NOOP"));
        assertEquals(new ImapCommand.Logout("x"), p("x LoGoUt"));
        assertEquals(new ImapCommand.Idle("t"), p("t IDLE"));
        assertEquals(new ImapCommand.Expunge("t", Optional.empty()), p("t EXPUNGE"));
        assertEquals(new ImapCommand.Expunge("t", Optional.of(SequenceSet.parse("4:7"))), p("t UID EXPUNGE 4:7"));
    }

    @Test
    void loginWithQuotedAndLiteralArguments() throws Exception {
        var login = (ImapCommand.Login) p("a LOGIN \"fred \\\"x\\\\\" {5+}\r\nsecre");
        assertEquals("fred \"x\\", login.user());
        assertArrayEquals("secre".toCharArray(), login.password());
        var plain = (ImapCommand.Login) p("a LOGIN bob pw]");
        assertEquals("bob", plain.user());
    }

    @Test
    void synchronisingLiteralAsksForContinuation() throws Exception {
        WireInput w = new WireInput("a SELECT {5}\r\nINBOX\r\n");
        var r = (ImapReader.Command) WireInput.read(w);
        assertEquals(1, w.continuations);
        assertEquals(new ImapCommand.Select("a", "INBOX", false, false, Optional.empty()),
                ImapParser.parse(r.command(), new ImapParser.Context(false)));
    }

    @Test
    void authenticateWithAndWithoutInitialResponse() throws Exception {
        assertEquals(new ImapCommand.Authenticate("a", "PLAIN", Optional.of("AGZvbwBiYXI=")), p("a AUTHENTICATE plain AGZvbwBiYXI="));
        assertEquals(new ImapCommand.Authenticate("a", "PLAIN", Optional.empty()), p("a AUTHENTICATE PLAIN"));
        assertEquals(new ImapCommand.Authenticate("a", "PLAIN", Optional.of("=")), p("a AUTHENTICATE PLAIN ="));
    }

    @Test
    void selectWithCondstoreAndQresync() throws Exception {
        assertEquals(new ImapCommand.Select("a", "inbox", true, true, Optional.empty()), p("a EXAMINE inbox (CONDSTORE)"));
        var s = (ImapCommand.Select) p("a SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541 (1,3,7:9 5,23,30:32)))");
        var q = s.qresync().orElseThrow();
        assertEquals(67890007L, q.uidValidity());
        assertEquals(20050715194045000L, q.modSeq());
        assertEquals(SequenceSet.parse("41,43:211,214:541"), q.knownUids().orElseThrow());
        assertEquals(SequenceSet.parse("1,3,7:9"), q.knownSequence().orElseThrow());
        assertEquals(SequenceSet.parse("5,23,30:32"), q.knownSequenceUids().orElseThrow());
        var plain = (ImapCommand.Select) p("a SELECT INBOX (QRESYNC (1 2))");
        assertTrue(plain.qresync().orElseThrow().knownUids().isEmpty());
    }

    @Test
    void mailboxNamesAreDecodedFromModifiedUtf7UnlessUtf8IsOn() throws Exception {
        assertEquals(new ImapCommand.Create("a", "Entwürfe", List.of()), p("a CREATE Entw&APw-rfe"));
        assertEquals(new ImapCommand.Create("a", "A&B", List.of()), p("a CREATE \"A&-B\""));
        assertEquals(new ImapCommand.Create("a", "Entw&APw-rfe", List.of()), WireInput.parse("a CREATE Entw&APw-rfe\r\n", true));
        assertEquals(new ImapCommand.Create("a", "Entwürfe", List.of()), WireInput.parse("a CREATE \"Entwürfe\"\r\n", true));
        var e = assertThrows(ImapSyntaxException.class, () -> p("a CREATE A&B"));
        assertTrue(e.getMessage().contains("modified UTF-7"));
        assertEquals(Status.NO, e.status(), "a valid astring that cannot become a name: NO, not BAD");
        assertEquals(Status.NO, assertThrows(ImapSyntaxException.class, () -> p("a RENAME INBOX A&B")).status());
        assertEquals(Status.NO, assertThrows(ImapSyntaxException.class, () -> p("a SUBSCRIBE A&B")).status());
        // looked up as it is: it names nothing a client speaking modified UTF-7 could have made
        assertEquals(new ImapCommand.Delete("a", "A&B"), p("a DELETE A&B"));
        assertEquals(new ImapCommand.Lsub("a", "", "A&B%"), p("a LSUB \"\" A&B%"));
        assertEquals(new ImapCommand.Create("a", "Sent", List.of("\\Sent")), p("a CREATE Sent (USE (\\Sent))"));
    }

    @Test
    void listForms() throws Exception {
        assertEquals(new ImapCommand.ListMailboxes("a", "", List.of("*"), List.of(), List.of(), List.of(), false), p("a LIST \"\" *"));
        assertEquals(new ImapCommand.ListMailboxes("a", "", List.of("%"), List.of(), List.of(), List.of(), false), p("a LIST \"\" %"));
        var l = (ImapCommand.ListMailboxes) p("a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX* \"Lists/%\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))");
        assertEquals(List.of("SUBSCRIBED", "RECURSIVEMATCH"), l.selection());
        assertEquals(List.of("INBOX*", "Lists/%"), l.patterns());
        assertEquals(List.of("CHILDREN", "STATUS"), l.returns());
        assertEquals(List.of(StatusItem.MESSAGES, StatusItem.UNSEEN), l.statusItems());
        assertTrue(l.extended());
        assertEquals(new ImapCommand.Lsub("a", "#news.", "comp.mail.*"), p("a LSUB #news. comp.mail.*"));
    }

    @Test
    void statusItems() throws Exception {
        assertEquals(new ImapCommand.GetStatus("a", "INBOX", List.of(StatusItem.MESSAGES, StatusItem.UIDNEXT, StatusItem.SIZE,
                StatusItem.HIGHESTMODSEQ, StatusItem.DELETED)), p("a STATUS INBOX (MESSAGES uidnext SIZE HIGHESTMODSEQ DELETED)"));
        assertThrows(ImapSyntaxException.class, () -> p("a STATUS INBOX (FOO)"));
        assertThrows(ImapSyntaxException.class, () -> p("a STATUS INBOX ()"));
    }

    @Test
    void appendWithFlagsDateAndLiteral() throws Exception {
        var a = (ImapCommand.Append) p("a APPEND saved-messages (\\Seen $Junk) \" 7-Feb-1994 21:52:25 -0800\" {11}\r\nHello world");
        assertEquals("saved-messages", a.mailbox());
        var m = a.messages().get(0);
        assertEquals(List.of("\\Seen", "$Junk"), m.flags());
        assertEquals(OffsetDateTime.of(1994, 2, 7, 21, 52, 25, 0, ZoneOffset.ofHours(-8)), m.internalDate().orElseThrow());
        assertEquals(11, ((ImapCommand.CatPart.Text) m.parts().get(0)).literal().size());
        var b = (ImapCommand.Append) p("a APPEND INBOX {3+}\r\nabc");
        assertTrue(b.messages().get(0).flags().isEmpty() && b.messages().get(0).internalDate().isEmpty());
        var u = (ImapCommand.Append) p("a APPEND INBOX UTF8 (~{3+}\r\nabc)");
        assertTrue(u.messages().get(0).utf8());
        assertThrows(ImapSyntaxException.class, () -> p("a APPEND INBOX \"31-Feb-1994 21:52:25 -0800\" {1+}\r\nx"));
    }

    /** RFC 3502 MULTIAPPEND and RFC 4469 CATENATE, with their bounds. */
    @Test
    void multiappendAndCatenate() throws Exception {
        var a = (ImapCommand.Append) p("a APPEND INBOX (\\Seen) {1+}\r\nx \"07-Feb-1994 21:52:25 -0800\" {2+}\r\nyz"
                + " CATENATE (TEXT {1+}\r\nh URL \"/INBOX/;UID=3\" URL /Sent/;UID=4)");
        assertEquals(3, a.messages().size());
        assertEquals(List.of("\\Seen"), a.messages().get(0).flags());
        assertTrue(a.messages().get(1).internalDate().isPresent() && !a.messages().get(1).catenate());
        var cat = a.messages().get(2);
        assertTrue(cat.catenate());
        assertEquals(new ImapCommand.CatPart.Url("/INBOX/;UID=3"), cat.parts().get(1));
        assertEquals(new ImapCommand.CatPart.Url("/Sent/;UID=4"), cat.parts().get(2));
        assertThrows(ImapSyntaxException.class, () -> p("a APPEND INBOX CATENATE ()"));
        assertThrows(ImapSyntaxException.class, () -> p("a APPEND INBOX CATENATE (BODY {1+}\r\nx)"));
        assertThrows(ImapSyntaxException.class, () -> p("a APPEND INBOX {1+}\r\nx "));
        assertThrows(ImapSyntaxException.class, () -> p("a APPEND INBOX CATENATE (URL {3000+}\r\n/" + "x".repeat(2999) + ")"));
        assertThrows(ImapSyntaxException.class, () -> p("a APPEND INBOX CATENATE (" + "TEXT {1+}\r\nx ".repeat(100) + "TEXT {1+}\r\nx)"));
    }

    /** RFC 4467 §7 and RFC 5524 §3. */
    @Test
    void urlauthCommands() throws Exception {
        var g = (ImapCommand.GenUrlAuth) p("a GENURLAUTH \"imap://u@h/INBOX/;UID=1;URLAUTH=authuser\" internal");
        assertEquals(List.of(new ImapCommand.UrlToSign("imap://u@h/INBOX/;UID=1;URLAUTH=authuser", "INTERNAL")), g.urls());
        assertEquals(new ImapCommand.ResetKey("a", Optional.empty(), List.of()), p("a RESETKEY"));
        assertEquals(new ImapCommand.ResetKey("a", Optional.of("INBOX"), List.of("INTERNAL")), p("a RESETKEY INBOX INTERNAL"));
        var f = (ImapCommand.UrlFetch) p("a URLFETCH \"imap://x\" (\"imap://y\" BINARY BODYPARTSTRUCTURE)");
        assertEquals(List.of(new ImapCommand.UrlToFetch("imap://x", false, List.of()),
                new ImapCommand.UrlToFetch("imap://y", true, List.of("BINARY", "BODYPARTSTRUCTURE"))), f.urls());
        assertThrows(ImapSyntaxException.class, () -> p("a URLFETCH (\"imap://y\" BODY BINARY)"));
        assertThrows(ImapSyntaxException.class, () -> p("a URLFETCH (\"imap://y\" FOO)"));
        assertThrows(ImapSyntaxException.class, () -> p("a URLFETCH"));
        assertThrows(ImapSyntaxException.class, () -> p("a GENURLAUTH \"imap://x\""));
        assertThrows(ImapSyntaxException.class, () -> p("a URLFETCH" + " x".repeat(101)));
    }

    @Test
    void fetchItemsAndMacros() throws Exception {
        var f = (ImapCommand.Fetch) p("a FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])");
        assertEquals(SequenceSet.parse("2:4"), f.set());
        assertEquals(List.of(FetchAttr.Simple.FLAGS,
                new FetchAttr.BodySection(new Section(new int[0], Section.Kind.HEADER_FIELDS, List.of("DATE", "FROM")), null, false)), f.attrs());
        var all = (ImapCommand.Fetch) p("a fetch 1 all");
        assertEquals(4, all.attrs().size());
        var full = (ImapCommand.Fetch) p("a UID FETCH 1:* FULL");
        assertTrue(full.uid());
        assertEquals(5, full.attrs().size());
        var peek = (ImapCommand.Fetch) p("a FETCH 1 (BODY.PEEK[1.2.MIME] BODY[]<0.100> BINARY.PEEK[1] BINARY.SIZE[2] RFC822.SIZE)");
        assertEquals(new FetchAttr.BodySection(new Section(new int[] {1, 2}, Section.Kind.MIME, List.of()), null, true), peek.attrs().get(0));
        assertEquals(new FetchAttr.BodySection(new Section(new int[0], Section.Kind.ALL, List.of()), new FetchAttr.Partial(0, 100), false), peek.attrs().get(1));
        assertEquals(new FetchAttr.Binary(new int[] {1}, null, true), peek.attrs().get(2));
        assertEquals(new FetchAttr.BinarySize(new int[] {2}), peek.attrs().get(3));
        // each item once (RFC 3501 §7.4.2); BODY[x] and BODY.PEEK[x] answer as one, the one setting \Seen
        var twice = (ImapCommand.Fetch) p("a FETCH 1 (BODYSTRUCTURE UID BODY.PEEK[TEXT] BODYSTRUCTURE BODY[TEXT] "
                + "BINARY.PEEK[1]<0.10> BINARY[1]<0.20> BINARY.PEEK[1]<5.10> UID)");
        Section text = new Section(new int[0], Section.Kind.TEXT, List.of());
        assertEquals(List.of(FetchAttr.Simple.BODYSTRUCTURE, FetchAttr.Simple.UID, new FetchAttr.BodySection(text, null, false),
                new FetchAttr.Binary(new int[] {1}, new FetchAttr.Partial(0, 10), false),
                new FetchAttr.Binary(new int[] {1}, new FetchAttr.Partial(5, 10), true)), twice.attrs());
        var cs = (ImapCommand.Fetch) p("a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
        assertEquals(OptionalLong.of(12345), cs.changedSince());
        assertTrue(cs.vanished());
        assertThrows(ImapSyntaxException.class, () -> p("a FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"));
        assertEquals(Optional.of(new ImapCommand.PartialRange(-1, -50)),
                ((ImapCommand.Fetch) p("a UID FETCH 1:* (FLAGS) (PARTIAL -1:-50)")).partial());
        assertEquals(Optional.of(new ImapCommand.PartialRange(3, 7)), ((ImapCommand.Fetch) p("a FETCH 1:* UID (PARTIAL 7:3)")).partial());
        assertThrows(ImapSyntaxException.class, () -> p("a FETCH 1 (BODY[MIME])"));
        assertThrows(ImapSyntaxException.class, () -> p("a FETCH 1 (BODY[0])"));
        assertThrows(ImapSyntaxException.class, () -> p("a FETCH 1 FOO"));
    }

    @Test
    void storeForms() throws Exception {
        assertEquals(new ImapCommand.Store("a", false, SequenceSet.parse("2:4"), OptionalLong.empty(), ImapCommand.StoreMode.ADD, false,
                List.of("\\Deleted")), p("a STORE 2:4 +FLAGS (\\Deleted)"));
        assertEquals(new ImapCommand.Store("a", true, SequenceSet.parse("1"), OptionalLong.of(5), ImapCommand.StoreMode.REMOVE, true,
                List.of("\\Seen", "$Label1")), p("a UID STORE 1 (UNCHANGEDSINCE 5) -FLAGS.SILENT \\Seen $Label1"));
        assertEquals(new ImapCommand.Store("a", false, SequenceSet.parse("1"), OptionalLong.empty(), ImapCommand.StoreMode.REPLACE, false,
                List.of()), p("a STORE 1 FLAGS ()"));
        assertThrows(ImapSyntaxException.class, () -> p("a STORE 1 +FLAGS (\\Recent)"));
    }

    @Test
    void searchKeys() throws Exception {
        var s = (ImapCommand.Search) p("a SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
        assertEquals(new SearchKey.And(List.of(SearchKey.Simple.FLAGGED,
                new SearchKey.Date(false, SearchKey.Comparison.SINCE, LocalDate.of(1994, 2, 1)),
                new SearchKey.Not(new SearchKey.Header("From", "Smith")))), s.key());
        var u = (ImapCommand.Search) p("a UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (SUBJECT {6+}\r\nGrüß) 1:5,7 UID 10:* MODSEQ 7");
        assertTrue(u.uid() && u.esearch());
        assertEquals(List.of("MIN", "COUNT"), u.returns());
        assertEquals(new SearchKey.And(List.of(new SearchKey.Or(new SearchKey.Header("Subject", "Grüß"),
                new SearchKey.Sequence(SequenceSet.parse("1:5,7"))), new SearchKey.Uid(SequenceSet.parse("10:*")),
                new SearchKey.ModSeq(7))), u.key());
        var h = (ImapCommand.Search) p("a SEARCH HEADER X-Spam yes LARGER 100 SENTON \"3-Mar-2020\"");
        assertEquals(new SearchKey.Header("X-Spam", "yes"), ((SearchKey.And) h.key()).keys().get(0));
        var bad = assertThrows(ImapSyntaxException.class, () -> p("a SEARCH CHARSET X-UNKNOWN-9 ALL"));
        assertEquals(Status.NO, bad.status());
        assertEquals("BADCHARSET (UTF-8 US-ASCII)", bad.code().text());
        assertThrows(ImapSyntaxException.class, () -> p("a SEARCH FOO"));
        assertThrows(ImapSyntaxException.class, () -> p("a SEARCH"));
    }

    @Test
    void searchNestingIsBounded() throws Exception {
        String deep = "NOT ".repeat(40) + "ALL";
        var e = assertThrows(ImapSyntaxException.class, () -> p("a SEARCH " + deep));
        assertTrue(e.getMessage().contains("nested"));
        String parens = "(".repeat(40) + "ALL" + ")".repeat(40);
        assertThrows(ImapSyntaxException.class, () -> p("a SEARCH " + parens));
    }

    @Test
    void sortAndThread() throws Exception {
        var s = (ImapCommand.Sort) p("a UID SORT (REVERSE DATE SUBJECT) UTF-8 ALL");
        assertEquals(List.of("REVERSE", "DATE", "SUBJECT"), s.criteria());
        assertThrows(ImapSyntaxException.class, () -> p("a SORT (REVERSE) UTF-8 ALL"));
        var t = (ImapCommand.ThreadMessages) p("a THREAD REFERENCES US-ASCII SINCE 1-Jan-2020");
        assertEquals("REFERENCES", t.algorithm());
    }

    @Test
    void idAndEnable() throws Exception {
        assertEquals(new ImapCommand.Id("a", Map.of("name", "sodr", "version", "19.34")), p("a ID (\"name\" \"sodr\" \"version\" \"19.34\")"));
        assertEquals(new ImapCommand.Id("a", null), p("a ID NIL"));
        assertEquals(new ImapCommand.Enable("a", List.of("CONDSTORE", "UTF8=ACCEPT")), p("a ENABLE condstore UTF8=ACCEPT"));
    }

    /** RFC 4314 §3: the access control commands; mailbox names decoded, identifiers and rights as sent. */
    @Test
    void aclCommands() throws Exception {
        assertEquals(new ImapCommand.SetAcl("a", "Caf\u00e9", "bob@example.com", "+lr"), p("a SETACL Caf&AOk- bob@example.com +lr"));
        assertEquals(new ImapCommand.SetAcl("a", "Other Users/x@y/Team", "bob", ""), p("a setacl \"Other Users/x@y/Team\" bob \"\""));
        assertEquals(new ImapCommand.DeleteAcl("a", "INBOX", "bob"), p("a DELETEACL INBOX {3+}\r\nbob"));
        assertEquals(new ImapCommand.GetAcl("a", "Team"), p("a GETACL Team"));
        assertEquals(new ImapCommand.ListRights("a", "Team", "bob"), p("a LISTRIGHTS Team bob"));
        assertEquals(new ImapCommand.MyRights("a", "Team"), p("a MYRIGHTS Team"));
        assertThrows(ImapSyntaxException.class, () -> p("a SETACL Team bob"));
        assertThrows(ImapSyntaxException.class, () -> p("a GETACL"));
        assertThrows(ImapSyntaxException.class, () -> p("a MYRIGHTS Team extra"));
        assertThrows(ImapSyntaxException.class, () -> p("a LISTRIGHTS Team " + "x".repeat(400)));
    }

    /** One command of every family the dispatcher hands on, and every command without arguments. */
    @Test
    void everyFamilyIsReachedFromTheDispatcher() throws Exception {
        assertEquals(new ImapCommand.StartTls("a"), p("a STARTTLS"));
        assertEquals(new ImapCommand.Check("a"), p("a CHECK"));
        assertEquals(new ImapCommand.Close("a"), p("a close"));
        assertEquals(new ImapCommand.Unselect("a"), p("a UNSELECT"));
        assertEquals(new ImapCommand.Namespace("a"), p("a NAMESPACE"));
        assertEquals(new ImapCommand.Compress("a", "DEFLATE"), p("a COMPRESS deflate"));
        assertEquals(new ImapCommand.Rename("a", "Old", "New/Name"), p("a RENAME Old \"New/Name\""));
        assertEquals(new ImapCommand.Subscribe("a", "Work"), p("a SUBSCRIBE Work"));
        assertEquals(new ImapCommand.Unsubscribe("a", "Work"), p("a UNSUBSCRIBE {4+}\r\nWork"));
        assertEquals(new ImapCommand.Delete("a", "Caf\u00e9"), p("a DELETE Caf&AOk-"));
        assertEquals(new ImapCommand.GetQuota("a", ""), p("a GETQUOTA \"\""));
        assertEquals(new ImapCommand.GetQuotaRoot("a", "INBOX"), p("a GETQUOTAROOT INBOX"));
        assertEquals(new ImapCommand.SetQuota("a", ""), p("a SETQUOTA \"\" (STORAGE 512)"));
        var copy = (ImapCommand.Copy) p("a UID COPY 1:3,7 Archive");
        assertEquals(new ImapCommand.Copy("a", true, copy.set(), "Archive"), copy);
        assertEquals(SequenceSet.parse("1:3,7"), copy.set());
        var move = (ImapCommand.Move) p("a MOVE 2 Trash");
        assertEquals(new ImapCommand.Move("a", false, SequenceSet.parse("2"), "Trash"), move);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a UID SELECT INBOX", "a UID LOGIN u p", "a UID EXPUNGE", "a UID NOOP", "a EXPUNGE 1:2",
            "a COMPRESS", "a SETQUOTA \"\" (STORAGE)", "a GETQUOTAROOT", "a MOVE 1", "a SUBSCRIBE", "a CHECK now"})
    void commandsInTheWrongShapeAreSyntaxErrors(String line) {
        assertThrows(ImapSyntaxException.class, () -> p(line));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a FOO", "a SELECT", "a SELECT INBOX extra", "a FETCH 0 FLAGS", "a FETCH 1:x FLAGS",
            "a COPY 1", "a LOGIN \"unterminated", "a STORE 1 FLAGS (\\Seen", "a RENAME a", "a FETCH 4294967296 FLAGS",
            "a LOGIN \"bad\\escape\" x", "a UID", "a UID FOO 1"})
    void malformedCommandsAreSyntaxErrors(String line) {
        assertThrows(ImapSyntaxException.class, () -> p(line));
    }

    @Test
    void readerRefusesOversizedSynchronisingLiteralBeforeContinuation() throws Exception {
        WireInput w = new WireInput("a LOGIN {50000}\r\n");
        var r = assertInstanceOf(ImapReader.Refused.class, WireInput.read(w));
        assertEquals("a", r.tag());
        assertEquals(Status.BAD, r.status());
        assertEquals(0, w.continuations);
    }

    @Test
    void readerDiscardsOversizedNonSynchronisingLiteralAndGoesOn() throws Exception {
        WireInput w = new WireInput("a LOGIN {5000+}\r\n" + "x".repeat(5000) + " pw\r\nb NOOP\r\n");
        assertInstanceOf(ImapReader.Refused.class, WireInput.read(w));
        var next = (ImapReader.Command) WireInput.read(w);
        assertEquals("b", next.command().tag());
    }

    @Test
    void appendOverTheLimitIsTooBigAndLargeAppendIsStreamed() throws Exception {
        WireInput w = new WireInput("a APPEND INBOX {100000}\r\n");
        w.streamLimit = 50_000;
        var r = assertInstanceOf(ImapReader.Refused.class, WireInput.read(w));
        assertEquals(Status.NO, r.status());
        assertEquals("TOOBIG", r.code().text());
        assertEquals(0, w.continuations);

        String body = "y".repeat(70_000);
        WireInput ok = new WireInput("a APPEND INBOX {70000}\r\n" + body + "\r\n");
        ok.streamLimit = 100_000;
        var c = (ImapReader.Command) WireInput.read(ok);
        assertEquals(1, ok.continuations);
        assertInstanceOf(Literal.Stored.class, c.command().literals().get(0));
        assertEquals(70_000, ok.stored.get(0).length);
    }

    @Test
    void commandWithoutTagIsRefusedUntagged() throws Exception {
        var r = assertInstanceOf(ImapReader.Refused.class, WireInput.read(new WireInput("+ NOOP\r\n")));
        assertEquals(null, r.tag());
        assertInstanceOf(ImapReader.Blank.class, WireInput.read(new WireInput("\r\n")));
    }

    /** Fuzzing: mangled commands only ever end in a syntax error, never in another exception. */
    @Test
    void randomInputNeverCrashesTheParser() throws Exception {
        String[] pieces = {"a1 ", "UID ", "FETCH ", "STORE ", "SEARCH ", "SELECT ", "APPEND ", "LIST ", "1:*", "*", "$", "(", ")",
                "[", "]", "<", ">", "BODY", ".PEEK", "HEADER.FIELDS", " ", "\"", "\\", "{", "}", "~", "+", "-", "%", "NOT ",
                "OR ", "CHARSET ", "UTF-8", "MODSEQ", "CHANGEDSINCE", "0", "4294967296", "\u00e9", "&", "RETURN", "FLAGS",
                "\\Seen", "QRESYNC", "x"};
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder line = new StringBuilder(random.nextBoolean() ? "a1 " : "");
            int n = 1 + random.nextInt(12);
            for (int k = 0; k < n; k++) {
                if (random.nextInt(10) == 0) line.append((char) random.nextInt(128));
                else line.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = line.toString().replace("\r", "").replace("\n", "");
            WireInput w = new WireInput(text + "\r\n");
            ImapReader.Result r;
            try {
                r = WireInput.read(w);
            } catch (java.io.EOFException endsInsideALiteral) {
                continue; // the connection would end here
            }
            if (!(r instanceof ImapReader.Command c)) continue;
            try {
                ImapParser.parse(c.command(), new ImapParser.Context(random.nextBoolean()));
            } catch (ImapSyntaxException expected) {
                // fine: a BAD or NO answer
            } catch (RuntimeException e) {
                throw new AssertionError("parser crashed on: " + text, e);
            }
        }
    }
}
