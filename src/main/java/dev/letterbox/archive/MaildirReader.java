package dev.letterbox.archive;

import dev.letterbox.imap.ModifiedUtf7;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Maildir: the root is INBOX; Maildir++ folders are its subdirectories ".Name" and ".Parent.Child"
 * (levels in modified UTF-7). Flags come from the file name's ":2," info (D draft, F flagged,
 * P passed as $Forwarded, R replied, S seen, T trashed as \Deleted, a–z keywords named in the
 * folder's dovecot-keywords file); messages in new/ have none. The file's modification time is its
 * internal date, as Maildir servers deliver it.
 */
final class MaildirReader extends FileListReader {
    private final Map<Path, Map<Character, String>> keywordFiles = new HashMap<>();

    MaildirReader(Path root) throws IOException {
        super(root, entries(root));
    }

    private static List<Entry> entries(Path root) throws IOException {
        List<Entry> all = new ArrayList<>();
        addFolder(root, root, "INBOX", all);
        List<Path> folders;
        try (Stream<Path> children = Files.list(root)) {
            folders = children.filter(p -> p.getFileName().toString().startsWith(".") && Files.isDirectory(p.resolve("cur")))
                    .sorted().toList();
        }
        for (Path folder : folders) addFolder(root, folder, folderName(folder.getFileName().toString().substring(1)), all);
        return all;
    }

    /** ".Archive.2024" → "Archive/2024". */
    static String folderName(String maildirName) {
        List<String> levels = new ArrayList<>();
        for (String level : maildirName.split("\\.", -1)) levels.add(ModifiedUtf7.decode(level).orElse(level));
        String name = String.join(String.valueOf(Mailbox.SEPARATOR), levels);
        return name.equalsIgnoreCase("INBOX") ? "INBOX" : name;
    }

    private static void addFolder(Path root, Path folder, String mailbox, List<Entry> into) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            Path dir = folder.resolve(sub);
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)).forEach(files::add);
            }
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path f : files) into.add(new Entry(mailbox, f, root.relativize(f).toString()));
    }

    @Override
    SourceMessage describe(Entry entry, String where) throws IOException {
        Instant date = Files.getLastModifiedTime(entry.file()).toInstant();
        Flags flags = Flags.NONE;
        String name = entry.file().getFileName().toString();
        int info = name.lastIndexOf(":2,");
        if (info < 0) info = name.lastIndexOf(";2,"); // where ':' cannot be in a file name
        boolean isNew = entry.file().getParent().getFileName().toString().equals("new");
        if (info >= 0 && !isNew) flags = flags(name.substring(info + 3), keywords(entry.file().getParent().getParent()));
        return SourceMessage.ok(entry.mailbox(), flags, Optional.of(date), where);
    }

    static Flags flags(String info, Map<Character, String> keywordNames) {
        int system = 0;
        List<String> keywords = new ArrayList<>();
        for (char c : info.toCharArray()) {
            switch (c) {
                case 'D' -> system |= Flags.DRAFT;
                case 'F' -> system |= Flags.FLAGGED;
                case 'P' -> keywords.add("$Forwarded");
                case 'R' -> system |= Flags.ANSWERED;
                case 'S' -> system |= Flags.SEEN;
                case 'T' -> system |= Flags.DELETED;
                default -> {
                    String k = keywordNames.get(c);
                    if (k != null && !keywords.contains(k)) keywords.add(k);
                }
            }
        }
        return Flags.of(system, keywords);
    }

    /** The folder's dovecot-keywords: "0 $Label1" gives letter a, and so on to z. */
    private Map<Character, String> keywords(Path folder) throws IOException {
        Map<Character, String> known = keywordFiles.get(folder);
        if (known != null) return known;
        known = new HashMap<>();
        Path file = folder.resolve("dovecot-keywords");
        if (Files.isRegularFile(file) && Files.size(file) < 64 * 1024) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+", 2);
                if (parts.length < 2) continue;
                try {
                    int n = Integer.parseInt(parts[0]);
                    if (n >= 0 && n < 26 && Keywords.valid(parts[1])) known.put((char) ('a' + n), parts[1]);
                } catch (NumberFormatException e) {
                    // not a keyword line
                }
            }
        }
        keywordFiles.put(folder, known);
        return known;
    }
}
