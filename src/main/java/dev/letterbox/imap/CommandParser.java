package dev.letterbox.imap;

import static dev.letterbox.imap.ImapParser.MAX_ITEMS;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What every command family's parser shares: the tokens of one command line after its name, the
 * tag and the {@link ImapParser.Context}, and how mailbox names, patterns and bounded lists are read.
 * One instance parses one command.
 */
abstract sealed class CommandParser permits SessionCommandParser, MailboxCommandParser, MessageCommandParser,
        UrlCommandParser, AclCommandParser, MetadataCommandParser, NotifyCommandParser {
    final Tokens t;
    final String tag;
    final ImapParser.Context ctx;

    CommandParser(Tokens t, String tag, ImapParser.Context ctx) {
        this.t = t;
        this.tag = tag;
        this.ctx = ctx;
    }

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

    /** True when the next atom is {@code word} (any case), without consuming it. */
    boolean peekWord(String word) {
        return t.lookAhead(word);
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
}
