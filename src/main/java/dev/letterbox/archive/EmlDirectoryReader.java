package dev.letterbox.archive;

import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A directory of {@code .eml} files (one message each, as mail programs save them): they go into
 * {@code mailbox}, those of a subdirectory into the folder of that name below it. Their internal
 * date is the Date: header's (no flags: a saved message has none).
 */
final class EmlDirectoryReader extends FileListReader {
    EmlDirectoryReader(Path root, String mailbox) throws IOException, ArchiveException {
        super(root, entries(root, mailbox));
    }

    private static List<Entry> entries(Path root, String mailbox) throws IOException, ArchiveException {
        List<Entry> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().toLowerCase().endsWith(".eml"))
                    .sorted().toList()) {
                Path relative = root.relativize(p);
                String folder = mailbox;
                for (int i = 0; i < relative.getNameCount() - 1; i++) {
                    folder = folder + Mailbox.SEPARATOR + relative.getName(i);
                }
                all.add(new Entry(folder, p, relative.toString()));
            }
        }
        if (all.isEmpty()) {
            throw new ArchiveException(root + ": neither a Maildir (no cur/ directory) nor a directory of .eml files");
        }
        return all;
    }

    @Override
    SourceMessage describe(Entry entry, String where) {
        return SourceMessage.ok(entry.mailbox(), Flags.NONE, Optional.empty(), where);
    }
}
