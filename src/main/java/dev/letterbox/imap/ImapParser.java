package dev.letterbox.imap;

import dev.letterbox.imap.ImapCommand.StatusItem;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Turns a {@link RawCommand} into an {@link ImapCommand}, following the grammar of RFC 3501 §9,
 * RFC 9051 §9 and of each extension. Every list has a bound ({@link #MAX_ITEMS}); search keys also
 * have a nesting bound ({@link SearchParser#MAX_DEPTH}).
 */
public final class ImapParser {
    /** Most items in any one parenthesised list (flags, fetch items, status items, patterns...). */
    public static final int MAX_ITEMS = 1000;
    static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    /** How mailbox names are written on the wire: UTF-8 after ENABLE UTF8=ACCEPT / IMAP4rev2, else mUTF-7. */
    public record Context(boolean utf8Names) {}

    private ImapParser() {}

    public static ImapCommand parse(RawCommand raw, Context ctx) throws ImapSyntaxException {
        Tokens t = new Tokens(raw);
        String tag = tag(t);
        t.sp();
        String name = t.atomUpper();
        boolean uid = false;
        if (name.equals("UID")) {
            t.sp();
            uid = true;
            name = t.atomUpper();
        }
        Parser p = new Parser(t, tag, ctx);
        ImapCommand command = uid ? p.uidCommand(name) : p.command(name);
        t.end();
        return command;
    }

    private static String tag(Tokens t) throws ImapSyntaxException {
        String tag = t.run(b -> Chars.isAstringChar(b) && b != '+');
        if (tag.isEmpty()) throw new ImapSyntaxException("missing tag");
        return tag;
    }

    /** One command's parse; separate so the tag and context need not be passed around. */
    private static final class Parser {
        final Tokens t;
        final String tag;
        final Context ctx;

        Parser(Tokens t, String tag, Context ctx) {
            this.t = t;
            this.tag = tag;
            this.ctx = ctx;
        }

        ImapCommand command(String name) throws ImapSyntaxException {
            return switch (name) {
                case "CAPABILITY" -> new ImapCommand.Capability(tag);
                case "NOOP" -> new ImapCommand.Noop(tag);
                case "LOGOUT" -> new ImapCommand.Logout(tag);
                case "STARTTLS" -> new ImapCommand.StartTls(tag);
                case "CHECK" -> new ImapCommand.Check(tag);
                case "CLOSE" -> new ImapCommand.Close(tag);
                case "UNSELECT" -> new ImapCommand.Unselect(tag);
                case "EXPUNGE" -> new ImapCommand.Expunge(tag, Optional.empty());
                case "NAMESPACE" -> new ImapCommand.Namespace(tag);
                case "IDLE" -> new ImapCommand.Idle(tag);
                case "ID" -> id();
                case "COMPRESS" -> {
                    t.sp();
                    yield new ImapCommand.Compress(tag, t.atomUpper());
                }
                case "AUTHENTICATE" -> authenticate();
                case "LOGIN" -> login();
                case "ENABLE" -> enable();
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
                case "SEARCH" -> search(false);
                case "SORT" -> sort(false);
                case "THREAD" -> thread(false);
                case "FETCH" -> fetch(false);
                case "STORE" -> store(false);
                case "COPY" -> copy(false);
                case "MOVE" -> move(false);
                default -> throw new ImapSyntaxException("unknown command " + printable(name));
            };
        }

        ImapCommand uidCommand(String name) throws ImapSyntaxException {
            return switch (name) {
                case "FETCH" -> fetch(true);
                case "STORE" -> store(true);
                case "COPY" -> copy(true);
                case "MOVE" -> move(true);
                case "SEARCH" -> search(true);
                case "SORT" -> sort(true);
                case "THREAD" -> thread(true);
                case "EXPUNGE" -> {
                    t.sp();
                    yield new ImapCommand.Expunge(tag, Optional.of(t.sequenceSet()));
                }
                default -> throw new ImapSyntaxException("unknown UID command " + printable(name));
            };
        }

        // ------------------------------------------------------------ helpers

        String spMailbox() throws ImapSyntaxException {
            t.sp();
            return mailbox();
        }

        String mailbox() throws ImapSyntaxException {
            return wireName(t.astring());
        }

        String pattern() throws ImapSyntaxException {
            return wireName(t.listMailbox());
        }

        /**
         * A mailbox name or pattern as sent to the Unicode name the store uses (RFC 3501 §5.1.3). Text
         * that is not valid modified UTF-7 is taken as it is: a name to look up, which names nothing
         * unless a UTF-8 client created it so (SELECT answers NO, a LIST pattern matches nothing).
         */
        String wireName(String wire) {
            return unicodeName(wire).orElse(wire);
        }

        /**
         * The name a mailbox or subscription is to get (CREATE, RENAME's target, SUBSCRIBE): here text
         * that is not valid modified UTF-7 is refused with NO [CANNOT], not guessed at, so a client's
         * encoding mistake never becomes a mailbox it cannot name back.
         */
        String newName(String wire) throws ImapSyntaxException {
            return unicodeName(wire).orElseThrow(() -> new ImapSyntaxException(Status.NO, ResponseCode.cannot(),
                    "mailbox name is not valid modified UTF-7 (write '&' as '&-')"));
        }

        /** The Unicode name, empty when the client speaks modified UTF-7 and this is not valid in it. */
        private Optional<String> unicodeName(String wire) {
            if (ctx.utf8Names()) return Optional.of(wire);
            for (int i = 0; i < wire.length(); i++) {
                if (wire.charAt(i) > 0x7e) return Optional.of(wire); // 8-bit sent without UTF8=ACCEPT: take it as UTF-8
            }
            return ModifiedUtf7.decode(wire);
        }

        /** "(" item *(SP item) ")" with a bound; {@code empty} allows "()". */
        <T> List<T> parenList(Item<T> item, boolean empty) throws ImapSyntaxException {
            t.expect('(');
            List<T> out = new ArrayList<>();
            if (t.tryConsume(')')) {
                if (!empty) throw new ImapSyntaxException("empty list");
                return out;
            }
            do {
                if (out.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many items in a list");
                out.add(item.parse());
            } while (t.trySp());
            t.expect(')');
            return out;
        }

        // ------------------------------------------------------------ not authenticated

        ImapCommand authenticate() throws ImapSyntaxException {
            t.sp();
            String mechanism = t.atomUpper();
            Optional<String> initial = Optional.empty();
            if (t.trySp()) {
                String ir = t.run(b -> (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                        || b == '+' || b == '/' || b == '=');
                if (ir.isEmpty()) throw new ImapSyntaxException("invalid initial response");
                initial = Optional.of(ir);
            }
            return new ImapCommand.Authenticate(tag, mechanism, initial);
        }

        ImapCommand login() throws ImapSyntaxException {
            t.sp();
            String user = t.astring();
            t.sp();
            String password = t.astring();
            return new ImapCommand.Login(tag, user, password.toCharArray());
        }

        ImapCommand id() throws ImapSyntaxException {
            t.sp();
            if (t.peek() != '(') {
                if (t.nstring() != null) throw new ImapSyntaxException("expected a list or NIL");
                return new ImapCommand.Id(tag, null);
            }
            Map<String, String> params = new LinkedHashMap<>();
            t.expect('(');
            if (!t.tryConsume(')')) {
                do {
                    String key = t.string();
                    t.sp();
                    String value = t.nstring();
                    if (params.size() >= 30) throw new ImapSyntaxException("more than 30 ID fields (RFC 2971 §3.3)");
                    params.put(key, value);
                } while (t.trySp());
                t.expect(')');
            }
            return new ImapCommand.Id(tag, params);
        }

        // ------------------------------------------------------------ authenticated

        ImapCommand enable() throws ImapSyntaxException {
            List<String> caps = new ArrayList<>();
            t.sp();
            do {
                if (caps.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many capabilities");
                caps.add(t.atomUpper());
            } while (t.trySp());
            return new ImapCommand.Enable(tag, caps);
        }

        ImapCommand select(boolean readOnly) throws ImapSyntaxException {
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
        ImapCommand.QResync qresyncParams() throws ImapSyntaxException {
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

        ImapCommand create() throws ImapSyntaxException {
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
        ImapCommand list() throws ImapSyntaxException {
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

        ImapCommand status() throws ImapSyntaxException {
            String mailbox = spMailbox();
            t.sp();
            return new ImapCommand.GetStatus(tag, mailbox, parenList(this::statusItem, false));
        }

        StatusItem statusItem() throws ImapSyntaxException {
            String name = t.atomUpper();
            try {
                return StatusItem.valueOf(name.replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new ImapSyntaxException("unknown STATUS item " + printable(name));
            }
        }

        /** RFC 3501 §6.3.11, RFC 3516 §4.4 (literal8), RFC 6855 §4 (UTF8). */
        ImapCommand append() throws ImapSyntaxException {
            String mailbox = spMailbox();
            t.sp();
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
            boolean utf8 = false;
            Literal message;
            if (!t.atLiteral()) {
                String kw = t.atomUpper();
                if (!kw.equals("UTF8")) throw new ImapSyntaxException("expected the message literal but found " + printable(kw));
                t.sp();
                t.expect('(');
                message = t.literal();
                if (!message.binary()) throw new ImapSyntaxException("APPEND UTF8 needs a literal8 (~{n})");
                t.expect(')');
                utf8 = true;
            } else {
                message = t.literal();
            }
            if (t.peek() == ' ') {
                throw new ImapSyntaxException("MULTIAPPEND and CATENATE are not supported");
            }
            return new ImapCommand.Append(tag, mailbox, flags, date, message, utf8);
        }

        /** date-time: DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE. */
        OffsetDateTime dateTime() throws ImapSyntaxException {
            String s = new String(t.stringBytes(), StandardCharsets.US_ASCII);
            if (s.length() != 26 || s.charAt(2) != '-' || s.charAt(6) != '-' || s.charAt(11) != ' '
                    || s.charAt(14) != ':' || s.charAt(17) != ':' || s.charAt(20) != ' ') {
                throw new ImapSyntaxException("invalid date-time, expected \"dd-Mon-yyyy hh:mm:ss +zzzz\"");
            }
            try {
                int day = Integer.parseInt(s.substring(0, 2).trim());
                int month = month(s.substring(3, 6));
                int year = digits(s, 7, 11);
                int h = digits(s, 12, 14), m = digits(s, 15, 17), sec = digits(s, 18, 20);
                char sign = s.charAt(21);
                if (sign != '+' && sign != '-') throw new NumberFormatException();
                int zh = digits(s, 22, 24), zm = digits(s, 24, 26);
                int offset = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
                return OffsetDateTime.of(LocalDateTime.of(year, month, day, h, m, sec), ZoneOffset.ofTotalSeconds(offset));
            } catch (NumberFormatException | DateTimeException e) {
                throw new ImapSyntaxException("invalid date-time");
            }
        }

        ImapCommand setQuota() throws ImapSyntaxException {
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

        // ------------------------------------------------------------ selected

        /** RFC 3501 §6.4.4 with RFC 4731 RETURN and the CHARSET argument. */
        ImapCommand search(boolean uid) throws ImapSyntaxException {
            t.sp();
            boolean esearch = false;
            List<String> returns = List.of();
            if (peekWord("RETURN")) {
                t.atom();
                t.sp();
                esearch = true;
                returns = upper(parenList(t::atom, true));
                for (String r : returns) {
                    if (!List.of("MIN", "MAX", "ALL", "COUNT", "SAVE").contains(r)) {
                        throw new ImapSyntaxException("unknown SEARCH return option " + printable(r));
                    }
                }
                t.sp();
            }
            if (peekWord("CHARSET")) {
                t.atom();
                t.sp();
                charset(t.astring());
                t.sp();
            }
            return new ImapCommand.Search(tag, uid, esearch, returns, new SearchParser(t).keys());
        }

        /** RFC 5256 §3: SORT (criteria) charset key... */
        ImapCommand sort(boolean uid) throws ImapSyntaxException {
            t.sp();
            boolean esearch = false;
            List<String> returns = List.of();
            if (peekWord("RETURN")) { // RFC 5267 ESORT
                t.atom();
                t.sp();
                esearch = true;
                returns = upper(parenList(t::atom, true));
                t.sp();
            }
            List<String> criteria = upper(parenList(t::atom, false));
            for (int i = 0; i < criteria.size(); i++) {
                String c = criteria.get(i);
                boolean known = List.of("ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO").contains(c);
                boolean reverse = c.equals("REVERSE") && i + 1 < criteria.size() && !criteria.get(i + 1).equals("REVERSE");
                if (!known && !reverse) throw new ImapSyntaxException("invalid sort criterion " + printable(c));
            }
            t.sp();
            charset(t.astring());
            t.sp();
            return new ImapCommand.Sort(tag, uid, criteria, esearch, returns, new SearchParser(t).keys());
        }

        ImapCommand thread(boolean uid) throws ImapSyntaxException {
            t.sp();
            String algorithm = t.atomUpper();
            if (!algorithm.equals("ORDEREDSUBJECT") && !algorithm.equals("REFERENCES")) {
                throw new ImapSyntaxException("unknown THREAD algorithm " + printable(algorithm));
            }
            t.sp();
            charset(t.astring());
            t.sp();
            return new ImapCommand.ThreadMessages(tag, uid, algorithm, new SearchParser(t).keys());
        }

        void charset(String name) throws ImapSyntaxException {
            java.nio.charset.Charset cs;
            try {
                cs = java.nio.charset.Charset.forName(name);
            } catch (IllegalArgumentException e) {
                throw new ImapSyntaxException(Status.NO, ResponseCode.badCharset(List.of("UTF-8", "US-ASCII")),
                        "charset not supported");
            }
            t.charset(cs);
        }

        ImapCommand fetch(boolean uid) throws ImapSyntaxException {
            t.sp();
            SequenceSet set = t.sequenceSet();
            t.sp();
            List<FetchAttr> attrs = new FetchParser(t).attributes();
            OptionalLong changedSince = OptionalLong.empty();
            boolean vanished = false;
            if (t.trySp()) { // RFC 7162 §3.1.4 / §3.2.6 fetch modifiers
                t.expect('(');
                do {
                    String mod = t.atomUpper();
                    switch (mod) {
                        case "CHANGEDSINCE" -> {
                            t.sp();
                            changedSince = OptionalLong.of(t.modSeq());
                        }
                        case "VANISHED" -> {
                            if (!uid) throw new ImapSyntaxException("VANISHED is only allowed in UID FETCH");
                            vanished = true;
                        }
                        default -> throw new ImapSyntaxException("unknown FETCH modifier " + printable(mod));
                    }
                } while (t.trySp());
                t.expect(')');
                if (vanished && changedSince.isEmpty()) throw new ImapSyntaxException("VANISHED requires CHANGEDSINCE");
            }
            return new ImapCommand.Fetch(tag, uid, set, attrs, changedSince, vanished);
        }

        ImapCommand store(boolean uid) throws ImapSyntaxException {
            t.sp();
            SequenceSet set = t.sequenceSet();
            t.sp();
            OptionalLong unchangedSince = OptionalLong.empty();
            if (t.tryConsume('(')) { // RFC 7162 §3.1.3
                String mod = t.atomUpper();
                if (!mod.equals("UNCHANGEDSINCE")) throw new ImapSyntaxException("unknown STORE modifier " + printable(mod));
                t.sp();
                unchangedSince = OptionalLong.of(t.modSeq());
                t.expect(')');
                t.sp();
            }
            ImapCommand.StoreMode mode = ImapCommand.StoreMode.REPLACE;
            if (t.tryConsume('+')) mode = ImapCommand.StoreMode.ADD;
            else if (t.tryConsume('-')) mode = ImapCommand.StoreMode.REMOVE;
            String item = t.atomUpper();
            boolean silent = item.equals("FLAGS.SILENT");
            if (!silent && !item.equals("FLAGS")) throw new ImapSyntaxException("expected FLAGS or FLAGS.SILENT");
            t.sp();
            List<String> flags;
            if (t.peek() == '(') {
                flags = parenList(t::flag, true);
            } else {
                flags = new ArrayList<>();
                do {
                    if (flags.size() >= MAX_ITEMS) throw new ImapSyntaxException("too many flags");
                    flags.add(t.flag());
                } while (t.trySp());
            }
            for (String f : flags) {
                if (f.equals("\\*") || f.equalsIgnoreCase("\\Recent")) {
                    throw new ImapSyntaxException("flag " + f + " cannot be stored");
                }
            }
            return new ImapCommand.Store(tag, uid, set, unchangedSince, mode, silent, flags);
        }

        ImapCommand copy(boolean uid) throws ImapSyntaxException {
            t.sp();
            SequenceSet set = t.sequenceSet();
            return new ImapCommand.Copy(tag, uid, set, spMailbox());
        }

        ImapCommand move(boolean uid) throws ImapSyntaxException {
            t.sp();
            SequenceSet set = t.sequenceSet();
            return new ImapCommand.Move(tag, uid, set, spMailbox());
        }

        /** True when the next atom is {@code word} (any case), without consuming it. */
        boolean peekWord(String word) {
            return t.lookAhead(word);
        }
    }

    @FunctionalInterface
    interface Item<T> {
        T parse() throws ImapSyntaxException;
    }

    static List<String> upper(List<String> in) {
        List<String> out = new ArrayList<>(in.size());
        for (String s : in) out.add(s.toUpperCase(Locale.ROOT));
        return out;
    }

    static int month(String name) {
        for (int i = 0; i < MONTHS.length; i++) if (MONTHS[i].equalsIgnoreCase(name)) return i + 1;
        throw new NumberFormatException("month");
    }

    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new NumberFormatException("digit");
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** date-text "d-Mon-yyyy" (RFC 3501 {@code date}), in quotes or not. */
    static LocalDate date(String text) throws ImapSyntaxException {
        String[] parts = text.split("-", -1);
        try {
            if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 2 || parts[2].length() != 4) {
                throw new NumberFormatException();
            }
            return LocalDate.of(digits(parts[2], 0, 4), month(parts[1]), digits(parts[0], 0, parts[0].length()));
        } catch (NumberFormatException | DateTimeException e) {
            throw new ImapSyntaxException("invalid date " + printable(text) + ", expected d-Mon-yyyy");
        }
    }

    /** Client text made safe to echo in a response line. */
    static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
