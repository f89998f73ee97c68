package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.MailboxMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 5464 METADATA and METADATA-SERVER: GETMETADATA and SETMETADATA on the account's own
 * mailboxes and, with the empty mailbox name, on the server. Private and shared entries are both
 * the account's (without shared mailboxes, "shared" has no one else to share with); the server's
 * entries are the account's view of the server. Entries go with their mailbox (see
 * {@link MailboxMetadata}).
 */
final class MetadataHandler {
    /** Largest value stored (RFC 5464 §4.3: larger ones are refused with [METADATA MAXSIZE n]). */
    static final int MAX_VALUE = 16 * 1024;
    /** Most entries per account, over all its mailboxes and the server ([METADATA TOOMANY]). */
    static final int MAX_ENTRIES = 500;
    /** Most octets of values per account. */
    static final long MAX_TOTAL_BYTES = 1024 * 1024;

    private MetadataHandler() {}

    /** RFC 5464 §4.2: the entries asked for (with DEPTH their descendants), those over MAXSIZE left out. */
    static Done get(CommandContext ctx, ImapCommand.GetMetadata c) throws IOException {
        long mailbox = mailboxId(ctx, c.mailbox());
        Map<String, byte[]> found = new LinkedHashMap<>();
        List<MailboxMetadata.Entry> stored = ctx.metadata().list(ctx.account().id(), mailbox);
        for (String asked : c.entries()) {
            found.putIfAbsent(asked, null); // NIL unless it exists
            for (MailboxMetadata.Entry e : stored) {
                if (e.name().equals(asked) || isDescendant(e.name(), asked, c.depth())) found.put(e.name(), e.value());
            }
        }
        long longest = 0;
        List<Map.Entry<String, byte[]>> sent = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : found.entrySet()) {
            if (e.getValue() == null && !c.entries().contains(e.getKey())) continue;
            if (c.maxSize() >= 0 && e.getValue() != null && e.getValue().length > c.maxSize()) {
                longest = Math.max(longest, e.getValue().length);
                continue;
            }
            sent.add(e);
        }
        if (!sent.isEmpty()) {
            ctx.out.star().atom("METADATA").mailbox(c.mailbox()).open();
            for (Map.Entry<String, byte[]> e : sent) {
                ctx.out.string(e.getKey());
                value(ctx, e.getValue());
            }
            ctx.out.close().end();
        }
        if (longest > 0) return Done.ok(ResponseCode.metadataLongEntries(longest), "GETMETADATA completed");
        return Done.ok("GETMETADATA completed");
    }

    /** RFC 5464 §4.3: all the entries set (NIL removes) or none; limits answered with their codes. */
    static Done set(CommandContext ctx, ImapCommand.SetMetadata c) {
        List<MailboxMetadata.Entry> changes = new ArrayList<>();
        for (ImapCommand.MetadataValue v : c.entries()) {
            if (v.value() != null && v.value().length > MAX_VALUE) {
                return Done.no(ResponseCode.metadataMaxSize(MAX_VALUE), "Value too large");
            }
            changes.add(new MailboxMetadata.Entry(v.entry(), v.value()));
        }
        long mailbox = mailboxId(ctx, c.mailbox());
        try {
            ctx.metadata().set(ctx.account().id(), mailbox, changes, MAX_ENTRIES, MAX_TOTAL_BYTES);
        } catch (MailboxException e) {
            if (e.reason() != MailboxException.Reason.LIMIT) throw e;
            return Done.no(ResponseCode.metadataTooMany(), "Too many metadata entries or too much metadata");
        }
        return Done.ok("SETMETADATA completed");
    }

    /** With DEPTH 1 the entry's children, with DEPTH infinity all below it (RFC 5464 §4.2.2). */
    private static boolean isDescendant(String name, String asked, int depth) {
        if (depth == 0 || !name.startsWith(asked + "/")) return false;
        return depth == ImapCommand.GetMetadata.INFINITY || name.indexOf('/', asked.length() + 1) < 0;
    }

    /** The server (empty name) or the account's mailbox; NO [NONEXISTENT] otherwise. */
    private static long mailboxId(CommandContext ctx, String name) {
        if (name.isEmpty()) return MailboxMetadata.SERVER;
        String normalized = MailboxNames.normalize(name);
        return ctx.store().read(tx -> tx.mailbox(normalized)).orElseThrow(
                () -> new MailboxException(MailboxException.Reason.NONEXISTENT, "Mailbox does not exist")).id();
    }

    /** A value as text when it is UTF-8 without NUL, else as a literal8 (RFC 5464 §5 value). */
    private static void value(CommandContext ctx, byte[] value) throws IOException {
        if (value == null) {
            ctx.out.nil();
            return;
        }
        for (byte b : value) {
            if (b == 0) {
                ctx.out.literal(value, true);
                return;
            }
        }
        try {
            ctx.out.string(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString());
        } catch (CharacterCodingException e) {
            ctx.out.literal(value, false);
        }
    }
}
