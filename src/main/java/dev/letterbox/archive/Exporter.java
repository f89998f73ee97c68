package dev.letterbox.archive;

import dev.letterbox.store.MailStore;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes an account's mailboxes (or one of them) into a new Maildir or mbox tree, each mailbox's
 * messages in UID order, read a page at a time. It reads committed state: messages arriving meanwhile
 * may or may not be in it.
 */
public final class Exporter {
    public enum Format { MAILDIR, MBOX }

    private static final int PAGE = 500;

    private final MailStore store;
    private final long accountId;

    public Exporter(MailStore store, long accountId) {
        this.store = store;
        this.accountId = accountId;
    }

    /** Returns the number of messages written; refuses a target directory that is not empty. */
    public long run(Path target, Format format, Optional<String> onlyMailbox) throws IOException, ArchiveException {
        if (Files.exists(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) throw new ArchiveException(target + ": not empty; export into a new directory");
            }
        }
        Files.createDirectories(target);
        List<Mailbox> mailboxes = store.read(accountId, tx -> tx.mailboxes()).stream()
                .filter(m -> onlyMailbox.isEmpty() || m.name().equals(onlyMailbox.get()))
                .sorted(Comparator.comparing(Mailbox::name)).toList();
        if (onlyMailbox.isPresent() && mailboxes.isEmpty()) throw new ArchiveException("no mailbox " + onlyMailbox.get());
        long count = 0;
        try (ArchiveWriter writer = format == Format.MAILDIR ? new MaildirWriter(target) : new MboxWriter(target)) {
            for (Mailbox mailbox : mailboxes) {
                writer.folder(mailbox.name());
                long from = 1;
                while (true) {
                    long start = from;
                    List<MessageMeta> page = store.read(accountId, tx -> tx.messages(mailbox.id(), start, Long.MAX_VALUE, PAGE));
                    for (MessageMeta m : page) {
                        try (InputStream in = store.blobs().open(m.blob())) {
                            writer.message(m, in);
                        }
                        count++;
                    }
                    if (page.size() < PAGE) break;
                    from = page.getLast().uid() + 1;
                }
            }
        }
        return count;
    }
}
