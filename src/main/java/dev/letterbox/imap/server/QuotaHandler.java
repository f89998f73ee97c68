package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapCommand;
import dev.letterbox.imap.ResponseCode;
import dev.letterbox.store.Account;
import dev.letterbox.store.MailboxException;
import java.io.IOException;

/**
 * RFC 9208 QUOTA: one quota root per account, named "" (every mailbox belongs to it), with the
 * STORAGE resource in units of 1024 octets. An account without a limit has no quota root.
 */
final class QuotaHandler {
    private QuotaHandler() {}

    /** RFC 9208 §4.2.2. */
    static Done getQuotaRoot(CommandContext ctx, ImapCommand.GetQuotaRoot c) throws IOException {
        String name = MailboxNames.normalize(c.mailbox());
        Account account = ctx.store().read(tx -> {
            tx.mailbox(name).orElseThrow(() -> new MailboxException(MailboxException.Reason.NONEXISTENT, "Mailbox does not exist"));
            return tx.account();
        });
        ctx.out.star().atom("QUOTAROOT").mailbox(name);
        if (account.quotaBytes() > 0) ctx.out.string("");
        ctx.out.end();
        if (account.quotaBytes() > 0) writeQuota(ctx, account);
        return Done.ok("GETQUOTAROOT completed");
    }

    /** RFC 9208 §4.2.1. */
    static Done getQuota(CommandContext ctx, ImapCommand.GetQuota c) throws IOException {
        Account account = ctx.store().read(tx -> tx.account());
        if (!c.root().isEmpty() || account.quotaBytes() == 0) return Done.no(ResponseCode.nonExistent(), "No such quota root");
        writeQuota(ctx, account);
        return Done.ok("GETQUOTA completed");
    }

    /** RFC 9208 §4.2.3: limits are the administrator's business. */
    static Done setQuota(CommandContext ctx) {
        return Done.no(ResponseCode.noPerm(), "Quotas are set by the administrator");
    }

    private static void writeQuota(CommandContext ctx, Account account) throws IOException {
        long used = (account.usedBytes() + 1023) / 1024;
        long limit = account.quotaBytes() / 1024;
        ctx.out.star().atom("QUOTA").string("").open().atom("STORAGE").number(used).number(limit).close().end();
    }
}
