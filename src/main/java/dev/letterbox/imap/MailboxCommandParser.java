package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.MAX_ITEMS;
import static dev.letterbox.imap.ImapParser.printable;

import dev.letterbox.imap.ImapCommand.StatusItem;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Commands that name a mailbox: SELECT/EXAMINE (with CONDSTORE and QRESYNC, RFC 7162), CREATE,
 * DELETE, RENAME, (UN)SUBSCRIBE, LIST/LSUB, STATUS, APPEND and the QUOTA commands (RFC 9208).
 */
final class MailboxCommandParser extends CommandParser {
    /** Most messages in one MULTIAPPEND. */
    static final int MAX_APPEND_MESSAGES = 1000;
    /** Most parts in one CATENATE. */
    static final int MAX_CATENATE_PARTS = 100;

    MailboxCommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        super(t, tag, ctx);
    }

    ImapCommand parse(String name) throws ImapSyntaxException {
        return switch (name) {
            case "SELECT" -> select(false);
            case "EXAMINE" -> select(true);
            case "CREATE" -> create();
            case "DELETE" -> new ImapCommand.Delete(tag, spMailbox());
            case "RENAME" -> {
                String from = spMailbox();
                t.sp();
                yield new ImapCommand.Rename(tag, from, newName(t.astring()));
            }
            case "SUBSCRIBE" -> {
                t.sp();
                yield new ImapCommand.Subscribe(tag, newName(t.astring()));
            }
            case "UNSUBSCRIBE" -> new ImapCommand.Unsubscribe(tag, spMailbox());
            case "LIST" -> list();
            case "LSUB" -> {
                String ref = spMailbox();
                t.sp();
                yield new ImapCommand.Lsub(tag, ref, pattern());
            }
            case "STATUS" -> status();
            case "APPEND" -> append();
            case "GETQUOTA" -> {
                t.sp();
                yield new ImapCommand.GetQuota(tag, t.astring());
            }
            case "GETQUOTAROOT" -> new ImapCommand.GetQuotaRoot(tag, spMailbox());
            case "SETQUOTA" -> setQuota();
            default -> throw new IllegalArgumentException("not a mailbox command: " + name);
        };
    }

    private ImapCommand select(boolean readOnly) throws ImapSyntaxException {
        String mailbox = spMailbox();
        boolean condstore = false;
        Optional<ImapCommand.QResync> qresync = Optional.empty();
        if (t.trySp()) {
            t.expect('(');
            do {
                String param = t.atomUpper();
                switch (param) {
                    case "CONDSTORE" -> condstore = true;
                    case "QRESYNC" -> {
                        t.sp();
                        qresync = Optional.of(qresyncParams());
                    }
                    default -> throw new ImapSyntaxException("unknown SELECT parameter " + printable(param));
                }
            } while (t.trySp());
            t.expect(')');
        }
        return new ImapCommand.Select(tag, mailbox, readOnly, condstore, qresync);
    }

    /** RFC 7162 §3.2.5: "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")". */
    private ImapCommand.QResync qresyncParams() throws ImapSyntaxException {
        t.expect('(');
        long uidValidity = t.nzNumber();
        t.sp();
        long modSeq = t.modSeq();
        Optional<SequenceSet> knownUids = Optional.empty(), seqs = Optional.empty(), seqUids = Optional.empty();
        if (t.trySp()) {
            if (t.peek() != '(') {
                knownUids = Optional.of(t.sequenceSet());
                if (t.trySp()) t.expect('('); else { t.expect(')'); return qr(uidValidity, modSeq, knownUids, seqs, seqUids); }
            } else {
                t.expect('(');
            }
            seqs = Optional.of(t.sequenceSet());
            t.sp();
            seqUids = Optional.of(t.sequenceSet());
            t.expect(')');
        }
        t.expect(')');
        return qr(uidValidity, modSeq, knownUids, seqs, seqUids);
    }

    private static ImapCommand.QResync qr(long v, long m, Optional<SequenceSet> k, Optional<SequenceSet> s, Optional<SequenceSet> u) {
        return new ImapCommand.QResync(v, m, k, s, u);
    }

    private ImapCommand create() throws ImapSyntaxException {
        t.sp();
        String wire = t.astring();
        List<String> uses = List.of();
        if (t.trySp()) { // RFC 6154 §3: CREATE mailbox (USE (\Sent))
            t.expect('(');
            String param = t.atomUpper();
            if (!param.equals("USE")) throw new ImapSyntaxException("unknown CREATE parameter " + printable(param));
            t.sp();
            uses = parenList(t::flag, true);
            t.expect(')');
        }
        return new ImapCommand.Create(tag, newName(wire), uses);
    }

    /** RFC 3501 §6.3.8 and RFC 5258 §6 extended LIST, RFC 5819 LIST-STATUS. */
    private ImapCommand list() throws ImapSyntaxException {
        t.sp();
        List<String> selection = List.of();
        boolean extended = false;
        if (t.peek() == '(') {
            selection = upper(parenList(t::atom, true));
            extended = true;
            t.sp();
        }
        String reference = mailbox();
        t.sp();
        List<String> patterns;
        if (t.peek() == '(') {
            patterns = parenList(this::pattern, false);
            extended = true;
        } else {
            patterns = List.of(pattern());
        }
        List<String> returns = new ArrayList<>();
        List<StatusItem> statusItems = List.of();
        if (t.trySp()) {
            String kw = t.atomUpper();
            if (!kw.equals("RETURN")) throw new ImapSyntaxException("expected RETURN but found " + printable(kw));
            t.sp();
            extended = true;
            t.expect('(');
            if (!t.tryConsume(')')) {
                do {
                    String opt = t.atomUpper();
                    returns.add(opt);
                    if (opt.equals("STATUS")) {
                        t.sp();
                        statusItems = parenList(this::statusItem, false);
                    }
                    if (returns.size() > MAX_ITEMS) throw new ImapSyntaxException("too many return options");
                } while (t.trySp());
                t.expect(')');
            }
        }
        return new ImapCommand.ListMailboxes(tag, reference, patterns, selection, List.copyOf(returns), statusItems, extended);
    }

    private ImapCommand status() throws ImapSyntaxException {
        String mailbox = spMailbox();
        t.sp();
        return new ImapCommand.GetStatus(tag, mailbox, parenList(this::statusItem, false));
    }

    private StatusItem statusItem() throws ImapSyntaxException {
        String name = t.atomUpper();
        try {
            return StatusItem.valueOf(name.replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException("unknown STATUS item " + printable(name));
        }
    }

    /**
     * RFC 3501 §6.3.11, RFC 3516 §4.4 (literal8), RFC 6855 §4 (UTF8), RFC 3502 (MULTIAPPEND: one or
     * more messages), RFC 4469 §5 (CATENATE). Bounded: {@link #MAX_APPEND_MESSAGES} messages,
     * {@link #MAX_CATENATE_PARTS} parts each, URLs of at most {@link ImapUrl#MAX_LENGTH} octets.
     */
    private ImapCommand append() throws ImapSyntaxException {
        String mailbox = spMailbox();
        List<ImapCommand.AppendMessage> messages = new ArrayList<>();
        do {
            if (messages.size() >= MAX_APPEND_MESSAGES) throw new ImapSyntaxException("too many messages in one APPEND");
            t.sp();
            messages.add(appendMessage());
        } while (!t.atEnd());
        return new ImapCommand.Append(tag, mailbox, List.copyOf(messages));
    }

    /** append-message: [flag-list SP] [date-time SP] append-data. */
    private ImapCommand.AppendMessage appendMessage() throws ImapSyntaxException {
        List<String> flags = List.of();
        if (t.peek() == '(') {
            flags = parenList(t::flag, true);
            t.sp();
        }
        Optional<OffsetDateTime> date = Optional.empty();
        if (t.peek() == '"') {
            date = Optional.of(dateTime());
            t.sp();
        }
        if (t.atLiteral()) {
            return new ImapCommand.AppendMessage(flags, date, false, false, List.of(new ImapCommand.CatPart.Text(t.literal())));
        }
        String kw = t.atomUpper();
        t.sp();
        t.expect('(');
        switch (kw) {
            case "UTF8" -> {
                Literal message = t.literal();
                if (!message.binary()) throw new ImapSyntaxException("APPEND UTF8 needs a literal8 (~{n})");
                t.expect(')');
                return new ImapCommand.AppendMessage(flags, date, true, false, List.of(new ImapCommand.CatPart.Text(message)));
            }
            case "CATENATE" -> {
                List<ImapCommand.CatPart> parts = new ArrayList<>();
                do {
                    if (parts.size() >= MAX_CATENATE_PARTS) throw new ImapSyntaxException("too many CATENATE parts");
                    parts.add(catPart());
                } while (t.trySp());
                t.expect(')');
                return new ImapCommand.AppendMessage(flags, date, false, true, List.copyOf(parts));
            }
            default -> throw new ImapSyntaxException("expected the message literal but found " + printable(kw));
        }
    }

    /** cat-part: "TEXT" SP literal (literal8 too, RFC 4469 §5 with BINARY) / "URL" SP astring. */
    private ImapCommand.CatPart catPart() throws ImapSyntaxException {
        String kind = t.atomUpper();
        t.sp();
        return switch (kind) {
            case "TEXT" -> new ImapCommand.CatPart.Text(t.literal());
            case "URL" -> {
                String url = t.astring();
                if (url.length() > ImapUrl.MAX_LENGTH) throw new ImapSyntaxException("URL too long");
                yield new ImapCommand.CatPart.Url(url);
            }
            default -> throw new ImapSyntaxException("expected TEXT or URL but found " + printable(kind));
        };
    }

    /** date-time (RFC 3501 §9) in its quotes, as APPEND gives it. */
    private OffsetDateTime dateTime() throws ImapSyntaxException {
        return ImapDates.dateTime(new String(t.stringBytes(), StandardCharsets.US_ASCII));
    }

    private ImapCommand setQuota() throws ImapSyntaxException {
        t.sp();
        String root = t.astring();
        t.sp();
        parenList(() -> {
            String resource = t.atom();
            t.sp();
            t.number(Long.MAX_VALUE);
            return resource;
        }, true);
        return new ImapCommand.SetQuota(tag, root);
    }
}
