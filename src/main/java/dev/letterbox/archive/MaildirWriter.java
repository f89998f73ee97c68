package dev.letterbox.archive;

import dev.letterbox.imap.ModifiedUtf7;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import dev.letterbox.store.MessageMeta;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a Maildir as {@link MaildirReader} reads it: INBOX in the root, other folders as Maildir++
 * ".A.B" (levels in modified UTF-7, a '.' in a name as "&AC4-"), files with LF line ends named
 * "{date}.L{uid}.letterbox,S={size}:2,{flags}" with keywords as letters listed in dovecot-keywords,
 * each file's modification time its internal date.
 */
final class MaildirWriter implements ArchiveWriter {
    private final Path root;
    private Path folder;
    private List<String> keywords = new ArrayList<>();

    MaildirWriter(Path root) {
        this.root = root;
    }

    @Override
    public void folder(String mailbox) throws IOException {
        finishFolder();
        folder = mailbox.equals("INBOX") ? root : root.resolve("." + maildirName(mailbox));
        for (String sub : List.of("cur", "new", "tmp")) Files.createDirectories(folder.resolve(sub));
        if (!folder.equals(root)) Files.write(folder.resolve("maildirfolder"), new byte[0]);
        keywords = new ArrayList<>();
    }

    static String maildirName(String mailbox) {
        List<String> levels = new ArrayList<>();
        for (String level : mailbox.split(String.valueOf(Mailbox.SEPARATOR), -1)) {
            levels.add(ModifiedUtf7.encode(level).replace(".", "&AC4-"));
        }
        return String.join(".", levels);
    }

    @Override
    public void message(MessageMeta meta, InputStream message) throws IOException {
        String base = meta.internalDate().getEpochSecond() + ".L" + meta.uid() + ".letterbox";
        Path tmp = folder.resolve("tmp").resolve(base);
        long size;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
            size = LfCopy.copy(message, out);
        }
        Path target = folder.resolve("cur").resolve(base + ",S=" + size + ":2," + flagLetters(meta.flags()));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(target, FileTime.from(meta.internalDate()));
    }

    private String flagLetters(Flags flags) {
        StringBuilder letters = new StringBuilder();
        if (flags.has(Flags.DRAFT)) letters.append('D');
        if (flags.has(Flags.FLAGGED)) letters.append('F');
        if (flags.hasKeyword("$Forwarded")) letters.append('P');
        if (flags.has(Flags.ANSWERED)) letters.append('R');
        if (flags.has(Flags.SEEN)) letters.append('S');
        if (flags.has(Flags.DELETED)) letters.append('T');
        StringBuilder lower = new StringBuilder();
        for (String k : flags.keywords()) {
            if (k.equalsIgnoreCase("$Forwarded")) continue;
            int n = keywords.indexOf(k);
            if (n < 0 && keywords.size() < 26) {
                keywords.add(k);
                n = keywords.size() - 1;
            }
            if (n >= 0) lower.append((char) ('a' + n)); // past 26 keywords a folder's messages keep only the first 26
        }
        char[] sorted = lower.toString().toCharArray();
        java.util.Arrays.sort(sorted);
        return letters.append(sorted).toString();
    }

    private void finishFolder() throws IOException {
        if (folder == null || keywords.isEmpty()) return;
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < keywords.size(); i++) file.append(i).append(' ').append(keywords.get(i)).append('\n');
        Files.writeString(folder.resolve("dovecot-keywords"), file, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        finishFolder();
    }
}
