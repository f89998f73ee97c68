package dev.letterbox.migrate;

import dev.letterbox.archive.ArchiveException;
import dev.letterbox.archive.CrlfOutput;
import dev.letterbox.archive.MessageArchive;
import dev.letterbox.archive.SourceMessage;
import dev.letterbox.imap.ModifiedUtf7;
import dev.letterbox.store.Flags;
import dev.letterbox.store.Mailbox;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Another IMAP server's mailboxes as an archive to import: every selectable folder, its messages in
 * UID order with their flags (\Recent left out) and internal dates. The checkpoint is each folder's
 * UIDVALIDITY and the last UID read, so a later run reads only what arrived since; a folder whose
 * UIDVALIDITY changed on the source (recreated) cannot be told apart from one already copied and is
 * left out, with a warning.
 */
final class ImapSource implements MessageArchive {
    private static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    private final ImapClient client;
    private final List<String> warnings;
    /** Per source folder: "uidvalidity:lastUid" as read so far (the checkpoint). */
    private final Map<String, String> read = new LinkedHashMap<>();
    private final List<FolderPlan> plans = new ArrayList<>();
    private int folder;
    private int message;
    private long bytesRead, total;
    private boolean selected;

    /** One folder's messages still to read. */
    private record FolderPlan(String source, String mailbox, long uidValidity, List<ImapClient.Summary> messages) {}

    ImapSource(ImapClient client, List<String> warnings) {
        this.client = client;
        this.warnings = warnings;
    }

    @Override
    public void resume(String checkpoint) throws IOException, ArchiveException {
        Map<String, long[]> done = new LinkedHashMap<>();
        for (String part : checkpoint.isEmpty() ? new String[0] : checkpoint.split("&")) {
            String[] kv = part.split("=", 2);
            String[] nums = kv[1].split(":");
            done.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), new long[] {Long.parseLong(nums[0]), Long.parseLong(nums[1])});
            read.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv[1]);
        }
        for (ImapClient.Folder f : client.list()) {
            if (!f.selectable()) continue;
            long uidValidity = client.examine(f.name());
            long[] before = done.get(f.name());
            if (before != null && before[0] != uidValidity) {
                warnings.add(f.name() + ": its UIDVALIDITY changed on the source since the last run; left out "
                        + "(run with --restart to copy everything again)");
                continue;
            }
            List<ImapClient.Summary> messages = client.summaries(before == null ? 1 : before[1] + 1);
            for (ImapClient.Summary m : messages) total += Math.max(0, m.size());
            plans.add(new FolderPlan(f.name(), mailboxName(f.name(), f.delimiter()), uidValidity, messages));
            if (before == null) read.put(f.name(), uidValidity + ":0");
        }
        selected = false;
    }

    /** The source's name in the house's form: modified UTF-7 decoded, its delimiter made '/'. */
    static String mailboxName(String source, String delimiter) {
        if (source.equalsIgnoreCase("INBOX")) return "INBOX";
        List<String> levels = new ArrayList<>();
        String[] parts = delimiter == null || delimiter.isEmpty() ? new String[] {source}
                : source.split(java.util.regex.Pattern.quote(delimiter), -1);
        for (String level : parts) levels.add(ModifiedUtf7.decode(level).orElse(level));
        String name = String.join(String.valueOf(Mailbox.SEPARATOR), levels);
        return name.toUpperCase(Locale.ROOT).startsWith("INBOX" + Mailbox.SEPARATOR) ? "INBOX" + name.substring(5) : name;
    }

    @Override
    public SourceMessage next(OutputStream out, long maxSize) throws IOException, ArchiveException {
        while (folder < plans.size() && message >= plans.get(folder).messages().size()) {
            folder++;
            message = 0;
            selected = false;
        }
        if (folder >= plans.size()) return null;
        FolderPlan plan = plans.get(folder);
        if (!selected) {
            if (client.examine(plan.source()) != plan.uidValidity()) {
                throw new ArchiveException(plan.source() + ": UIDVALIDITY changed on the source during the migration; run it again");
            }
            selected = true;
        }
        ImapClient.Summary m = plan.messages().get(message++);
        bytesRead += Math.max(0, m.size());
        read.put(plan.source(), plan.uidValidity() + ":" + m.uid());
        SourceMessage found = new SourceMessage(plan.mailbox(), flags(m.flags()), date(m.internalDate()),
                plan.source() + " UID " + m.uid(), Optional.empty());
        if (m.size() > maxSize) return found.refused("larger than the limit of " + maxSize + " bytes");
        CrlfOutput limited = new CrlfOutput(out, maxSize);
        if (!client.body(m.uid(), limited)) return found.refused("expunged on the source meanwhile");
        if (limited.overflowed()) return found.refused("larger than the limit of " + maxSize + " bytes");
        return found;
    }

    static Flags flags(List<String> names) {
        List<String> kept = new ArrayList<>();
        for (String n : names) if (!n.equalsIgnoreCase("\\Recent")) kept.add(n);
        try {
            return Flags.parse(kept);
        } catch (IllegalArgumentException e) {
            return Flags.parse(kept.stream().filter(n -> !n.startsWith("\\") || Flags.systemBit(n) != 0).toList());
        }
    }

    private static Optional<Instant> date(String internalDate) {
        if (internalDate == null) return Optional.empty();
        try {
            return Optional.of(ZonedDateTime.parse(internalDate.trim(), INTERNALDATE).toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String checkpoint() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, String> e : read.entrySet()) {
            if (!s.isEmpty()) s.append('&');
            s.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=').append(e.getValue());
        }
        return s.toString();
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public long totalBytes() {
        return total;
    }

    @Override
    public void close() {
        client.logout();
    }
}
