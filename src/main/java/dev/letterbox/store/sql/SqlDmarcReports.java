package dev.letterbox.store.sql;

import dev.letterbox.store.DmarcReportStore;
import dev.letterbox.store.QueuedMessage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * DMARC aggregate report tallies in {@code dmarc_report} and {@code dmarc_row}. Counting a batch of
 * tallies is one unit of the group-commit writer; queueing a report is one unit with the queue's
 * insert, so it cannot be queued twice.
 */
final class SqlDmarcReports implements DmarcReportStore {
    private static final String REPORT_COLUMNS =
            "id, token, policy_domain, p, sp, pct, adkim, aspf, fo, rua, period_begin, period_end, unlisted";
    private static final String ROW_COLUMNS = "source_ip, header_from, envelope_from, envelope_to, disposition,"
            + " dkim_pass, spf_pass, reasons, dkim_results, spf_results, message_count";

    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final SqlOutboundQueue queue;
    private final SecureRandom random = new SecureRandom();

    SqlDmarcReports(ReadPool reads, GroupCommitWriter writer, SqlOutboundQueue queue) {
        this.reads = reads;
        this.writer = writer;
        this.queue = queue;
    }

    @Override
    public CompletableFuture<Long> add(List<Tally> tallies, Limits limits) {
        // hashing and checking happen here, not on the writer thread
        List<List<String>> rowKeys = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (Tally t : tallies) {
            rowKeys.add(t.rows().stream().map(r -> rowKey(r.row())).toList());
            tokens.add(newToken());
        }
        return writer.submitDetached((db, fx) -> {
            long counted = 0;
            for (int i = 0; i < tallies.size(); i++) counted += add(db, tallies.get(i), rowKeys.get(i), tokens.get(i), limits);
            return counted;
        });
    }

    /** One tally, on the writer: how many of its messages were counted (none when its report is sent or cannot open). */
    private static long add(SqlSession db, Tally tally, List<String> rowKeys, String token, Limits limits) {
        PublishedPolicy policy = tally.policy();
        long begin = tally.begin().toEpochMilli();
        long end = tally.end().toEpochMilli();
        Optional<long[]> found = db.first("SELECT id, sent, row_count FROM dmarc_report WHERE policy_domain = ?"
                        + " AND period_begin = ? AND period_end = ?",
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, policy.domain(), begin, end);
        long reportId;
        long rowCount;
        if (found.isEmpty()) {
            long open = db.firstLong("SELECT count(*) FROM dmarc_report WHERE sent = 0").orElse(0);
            if (open >= limits.openReports()) return 0;
            reportId = db.insertReturningId("INSERT INTO dmarc_report (policy_domain, period_begin, period_end, token,"
                            + " p, sp, pct, adkim, aspf, fo, rua, row_count, unlisted, sent)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0) RETURNING id",
                    policy.domain(), begin, end, token, policy.p(), policy.sp(),
                    policy.pct(), policy.adkim(), policy.aspf(), policy.fo(), String.join(" ", policy.rua()));
            rowCount = 0;
        } else {
            if (found.get()[1] != 0) return 0;
            reportId = found.get()[0];
            rowCount = found.get()[2];
            db.update("UPDATE dmarc_report SET p = ?, sp = ?, pct = ?, adkim = ?, aspf = ?, fo = ?, rua = ? WHERE id = ?",
                    policy.p(), policy.sp(), policy.pct(), policy.adkim(), policy.aspf(), policy.fo(),
                    String.join(" ", policy.rua()), reportId);
        }
        long counted = 0;
        long unlisted = 0;
        long newRows = 0;
        for (int i = 0; i < tally.rows().size(); i++) {
            Row row = tally.rows().get(i).row();
            long count = tally.rows().get(i).count();
            counted += count;
            if (db.update("UPDATE dmarc_row SET message_count = message_count + ? WHERE report_id = ? AND row_key = ?",
                    count, reportId, rowKeys.get(i)) > 0) {
                continue;
            }
            if (rowCount + newRows >= limits.rowsPerReport()) {
                unlisted += count;
                continue;
            }
            db.update("INSERT INTO dmarc_row (report_id, row_key, " + ROW_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    reportId, rowKeys.get(i), row.sourceIp(), row.headerFrom(), row.envelopeFrom(), row.envelopeTo(),
                    row.disposition(), row.dkimPass(), row.spfPass(), String.join(" ", row.reasons()),
                    results(row.dkim()), results(row.spf()), count);
            newRows++;
        }
        if (unlisted > 0 || newRows > 0) {
            db.update("UPDATE dmarc_report SET row_count = row_count + ?, unlisted = unlisted + ? WHERE id = ?",
                    newRows, unlisted, reportId);
        }
        return counted;
    }

    @Override
    public List<Report> due(Instant now, int limit) {
        return reads.read(db -> db.list("SELECT " + REPORT_COLUMNS + " FROM dmarc_report WHERE sent = 0 AND period_end <= ?"
                + " ORDER BY period_end, id LIMIT ?", SqlDmarcReports::mapReport, now.toEpochMilli(), (long) limit));
    }

    @Override
    public List<CountedRow> rows(long reportId, int limit) {
        return reads.read(db -> db.list("SELECT " + ROW_COLUMNS + " FROM dmarc_row WHERE report_id = ?"
                + " ORDER BY message_count DESC, id LIMIT ?", SqlDmarcReports::mapRow, reportId, (long) limit));
    }

    @Override
    public OptionalLong enqueue(long reportId, QueuedMessage.Envelope envelope, List<QueuedMessage.NewRecipient> recipients) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("a report needs a recipient");
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            if (!markSent(db, reportId)) return OptionalLong.empty();
            return OptionalLong.of(queue.insert(db, fx, envelope, recipients));
        }));
    }

    @Override
    public boolean markSent(long reportId) {
        return GroupCommitWriter.await(writer.submit((db, fx) -> markSent(db, reportId)));
    }

    /** Marks the report sent and drops its rows (nobody reads them again); false when it was sent or is gone. */
    private static boolean markSent(SqlSession db, long reportId) {
        if (db.update("UPDATE dmarc_report SET sent = 1 WHERE id = ? AND sent = 0", reportId) == 0) return false;
        db.update("DELETE FROM dmarc_row WHERE report_id = ?", reportId);
        return true;
    }

    @Override
    public int prune(Instant endedBefore) {
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            long cutoff = endedBefore.toEpochMilli();
            db.update("DELETE FROM dmarc_row WHERE report_id IN (SELECT id FROM dmarc_report WHERE period_end < ?)", cutoff);
            return db.update("DELETE FROM dmarc_report WHERE period_end < ?", cutoff);
        }));
    }

    private String newToken() {
        byte[] b = new byte[10];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Report mapReport(ResultSet rs) throws SQLException {
        String rua = rs.getString(10);
        var policy = new PublishedPolicy(rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rua.isEmpty() ? List.of() : Arrays.asList(rua.split(" ")));
        return new Report(rs.getLong(1), rs.getString(2), policy, Instant.ofEpochMilli(rs.getLong(11)),
                Instant.ofEpochMilli(rs.getLong(12)), rs.getLong(13));
    }

    private static CountedRow mapRow(ResultSet rs) throws SQLException {
        String reasons = rs.getString(8);
        var row = new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getInt(6) != 0, rs.getInt(7) != 0, reasons.isEmpty() ? List.of() : Arrays.asList(reasons.split(" ")),
                parseResults(rs.getString(9)), parseResults(rs.getString(10)));
        return new CountedRow(row, rs.getLong(11));
    }

    /** "domain qualifier result" lines; the fields are checked to hold no whitespace, so this reads back. */
    private static String results(List<AuthResult> results) {
        StringBuilder sb = new StringBuilder();
        for (AuthResult r : results) {
            word(r.domain(), false);
            word(r.qualifier(), true);
            word(r.result(), false);
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(r.domain()).append(' ').append(r.qualifier()).append(' ').append(r.result());
        }
        return sb.toString();
    }

    private static List<AuthResult> parseResults(String text) {
        List<AuthResult> out = new ArrayList<>();
        if (text.isEmpty()) return out;
        for (String line : text.split("\n")) {
            String[] f = line.split(" ", -1);
            out.add(new AuthResult(f[0], f[1], f[2]));
        }
        return out;
    }

    private static void word(String s, boolean mayBeEmpty) {
        if (s.isEmpty() ? !mayBeEmpty : s.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("not a single word: '" + s + "'");
        }
    }

    /** Every field of the row, length-prefixed (so no two rows encode alike), hashed. */
    private static String rowKey(Row row) {
        for (String reason : row.reasons()) word(reason, false);
        StringBuilder sb = new StringBuilder();
        for (String field : List.of(row.sourceIp(), row.headerFrom(), row.envelopeFrom(), row.envelopeTo(), row.disposition(),
                String.valueOf(row.dkimPass()), String.valueOf(row.spfPass()), String.join(" ", row.reasons()),
                results(row.dkim()), results(row.spf()))) {
            sb.append(field.length()).append(':').append(field);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
