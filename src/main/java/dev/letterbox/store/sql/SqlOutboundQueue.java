package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.LeaseLostException;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Lease;
import dev.letterbox.store.QueuedMessage.Notify;
import dev.letterbox.store.QueuedMessage.Recipient;
import dev.letterbox.store.QueuedMessage.State;
import dev.letterbox.store.QueuedMessage.Transition;
import dev.letterbox.store.StoreException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The outbound queue in the {@code queue_message} and {@code queue_recipient} tables. An enqueue is
 * one unit of the group-commit writer: the blob row, the message and its recipients commit together.
 * So is every state change, with the removal of a message that has nothing left to do.
 */
final class SqlOutboundQueue implements OutboundQueue {
    private static final String MESSAGE_COLUMNS =
            "id, sender, blob_id, size, received, body, smtputf8, ret, env_id, account_id, lease_owner, lease_until";
    private static final String RECIPIENT_COLUMNS =
            "message_id, id, address, notify, orcpt, state, attempts, next_attempt, last_error, remote_mta, notified, delay_warned";

    /** Only recipients still waiting change: a late or repeated outcome cannot undo a final state. */
    private static final String WAITING = " AND state IN ('pending', 'deferred')";
    /** Gives a message's lease back, only when it is still the given owner's. */
    private static final String RELEASE = "UPDATE queue_message SET lease_owner = NULL, lease_until = NULL"
            + " WHERE id = ? AND lease_owner = ?";

    private final Dialect dialect;
    private final ReadPool reads;
    private final DatabaseClock clock;
    private final GroupCommitWriter writer;
    private final SqlBlobStore blobs;

    SqlOutboundQueue(Dialect dialect, ReadPool reads, GroupCommitWriter writer, SqlBlobStore blobs, DatabaseClock clock) {
        this.clock = clock;
        this.dialect = dialect;
        this.reads = reads;
        this.writer = writer;
        this.blobs = blobs;
    }

    @Override
    public long enqueue(QueuedMessage.Envelope e, List<QueuedMessage.NewRecipient> recipients) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("a queued message needs a recipient");
        return GroupCommitWriter.await(writer.submit((db, fx) -> insert(db, fx, e, recipients)));
    }

    /** Inserts a message and its recipients within the caller's unit (a report queued with what it marks). */
    long insert(SqlSession db, UnitEffects fx, QueuedMessage.Envelope e, List<QueuedMessage.NewRecipient> recipients) {
        BlobRefs.ensureRow(db, blobs, fx, e.blob(), e.size(), null);
        long id = db.insertReturningId("INSERT INTO queue_message (sender, blob_id, size, received, body, smtputf8,"
                        + " ret, env_id, account_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                e.sender(), e.blob().value(), e.size(), e.received().toEpochMilli(), bodyName(e.body()),
                e.smtputf8(), e.ret().<Object>map(Enum::name).orElse(SqlSession.Null.TEXT),
                e.envId().<Object>map(s -> s).orElse(SqlSession.Null.TEXT),
                e.accountId().isPresent() ? (Object) e.accountId().getAsLong() : SqlSession.Null.BIGINT);
        long now = System.currentTimeMillis();
        for (QueuedMessage.NewRecipient r : recipients) {
            db.update("INSERT INTO queue_recipient (message_id, address, notify, orcpt, state, attempts,"
                            + " next_attempt, last_error) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                    id, r.address(), r.notifyOn().<Object>map(SqlOutboundQueue::notifyText).orElse(SqlSession.Null.TEXT),
                    r.orcpt().<Object>map(s -> s).orElse(SqlSession.Null.TEXT),
                    r.state().name().toLowerCase(Locale.ROOT), now,
                    r.lastError().<Object>map(s -> s).orElse(SqlSession.Null.TEXT));
        }
        return id;
    }

    @Override
    public List<Lease> claimDue(String node, Instant now, int limit, Duration leaseFor) {
        if (limit <= 0) return List.of();
        long until = now.plus(leaseFor).toEpochMilli();
        // leases are compared across nodes: written and checked in the database's time
        long dbNow = clock.toDatabase(now.toEpochMilli());
        long dbUntil = clock.toDatabase(until);
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            // One statement: the rows are chosen and stamped in the same write. PostgreSQL passes over
            // rows another claimer has locked (SKIP LOCKED) and re-checks the lease on rows changed
            // since its snapshot; SQLite's single writer runs claims one after the other.
            long[] ids = db.longs("UPDATE queue_message SET lease_owner = ?, lease_until = ? WHERE id IN ("
                    + "SELECT id FROM queue_message WHERE (lease_until IS NULL OR lease_until <= ?) AND id IN ("
                    + "SELECT message_id FROM queue_recipient WHERE state IN ('pending', 'deferred') AND next_attempt <= ?"
                    + " UNION SELECT message_id FROM queue_recipient WHERE notified = 0 AND state IN ('delivered', 'failed'))"
                    + " ORDER BY id LIMIT ?" + dialect.skipLocked + ") RETURNING id",
                    node, dbUntil, dbNow, now.toEpochMilli(), (long) limit);
            Arrays.sort(ids); // RETURNING gives no order
            List<Lease> out = new ArrayList<>(ids.length);
            for (long id : ids) out.add(new Lease(id, node, Instant.ofEpochMilli(until)));
            return out;
        }));
    }

    @Override
    public Set<Long> renew(String node, Collection<Long> messageIds, Instant until) {
        if (messageIds.isEmpty()) return Set.of();
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            Set<Long> renewed = new HashSet<>();
            for (long id : messageIds) {
                if (db.update("UPDATE queue_message SET lease_until = ? WHERE id = ? AND lease_owner = ?",
                        clock.toDatabase(until.toEpochMilli()), id, node) == 1) renewed.add(id);
            }
            return Set.copyOf(renewed);
        }));
    }

    @Override
    public void release(Collection<Lease> leases) {
        if (leases.isEmpty()) return;
        GroupCommitWriter.await(writer.submit((db, fx) -> {
            for (Lease lease : leases) db.update(RELEASE, lease.messageId(), lease.owner());
            return null;
        }));
    }

    @Override
    public int releaseAll(String node) {
        return GroupCommitWriter.await(writer.submit((db, fx) ->
                db.update("UPDATE queue_message SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", node)));
    }

    /**
     * The check that a write under {@code lease} is still the holder's, first in its unit: it
     * touches the message row (released, or kept as it is), which on PostgreSQL also locks it until
     * the commit, so no claim slips in between the check and the outcomes. A lease that ran out
     * but that nobody else took is still the holder's: its outcomes are the only ones there are.
     * Returns false when the message has left the queue (the writes that follow change nothing).
     *
     * @throws LeaseLostException another node holds the message, or nobody does after someone released it
     */
    private static boolean holding(SqlSession db, Lease lease, AfterWrite then) {
        int rows = then == AfterWrite.RELEASE
                ? db.update(RELEASE, lease.messageId(), lease.owner())
                : db.update("UPDATE queue_message SET lease_owner = lease_owner WHERE id = ? AND lease_owner = ?",
                        lease.messageId(), lease.owner());
        if (rows == 1) return true;
        if (db.firstLong("SELECT 1 FROM queue_message WHERE id = ?", lease.messageId()).isPresent()) {
            throw new LeaseLostException(lease.messageId(), lease.owner());
        }
        return false;
    }

    @Override
    public Optional<Instant> nextAttempt() {
        return reads.read(db -> {
            OptionalLong next = db.firstLong("SELECT min(next_attempt) FROM queue_recipient WHERE state IN ('pending', 'deferred')");
            return next.isPresent() ? Optional.of(Instant.ofEpochMilli(next.getAsLong())) : Optional.empty();
        });
    }

    @Override
    public boolean record(Lease lease, List<Transition> transitions, AfterWrite then) {
        long messageId = lease.messageId();
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            if (!holding(db, lease, then)) return false;
            for (Transition t : transitions) {
                switch (t) {
                    case Transition.Delivered d -> db.update("UPDATE queue_recipient SET state = 'delivered', attempts = attempts + 1,"
                                    + " last_error = ?, remote_mta = ?, notified = ? WHERE id = ? AND message_id = ?" + WAITING,
                            SqlSession.Null.TEXT, text(d.remoteMta()), !d.reportOwed(), d.recipientId(), messageId);
                    case Transition.Deferred d -> db.update("UPDATE queue_recipient SET state = 'deferred', attempts = attempts + 1,"
                                    + " next_attempt = ?, last_error = ?, remote_mta = ? WHERE id = ? AND message_id = ?" + WAITING,
                            d.nextAttempt().toEpochMilli(), d.error(), text(d.remoteMta()), d.recipientId(), messageId);
                    case Transition.Failed f -> db.update("UPDATE queue_recipient SET state = 'failed', attempts = attempts + 1,"
                                    + " last_error = ?, remote_mta = ?, notified = ? WHERE id = ? AND message_id = ?" + WAITING,
                            f.error(), text(f.remoteMta()), !f.reportOwed(), f.recipientId(), messageId);
                }
            }
            return removeIfDone(db, fx, messageId);
        }));
    }

    @Override
    public long enqueueReport(QueuedMessage.Envelope report, List<QueuedMessage.NewRecipient> recipients, Lease lease,
                              Collection<Long> reported, Collection<Long> delayWarned, AfterWrite then) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("a report needs a recipient");
        long aboutMessage = lease.messageId();
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            holding(db, lease, then); // a message gone meanwhile: the report is about what the holder saw
            long id = insert(db, fx, report, recipients);
            mark(db, "notified", aboutMessage, reported);
            mark(db, "delay_warned", aboutMessage, delayWarned);
            removeIfDone(db, fx, aboutMessage);
            return id;
        }));
    }

    @Override
    public boolean markReported(Lease lease, Collection<Long> recipientIds, AfterWrite then) {
        long messageId = lease.messageId();
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
            if (!holding(db, lease, then)) return false;
            mark(db, "notified", messageId, recipientIds);
            return removeIfDone(db, fx, messageId);
        }));
    }

    @Override
    public int retry(OptionalLong messageId, Instant now) {
        return GroupCommitWriter.await(writer.submit((db, fx) -> messageId.isPresent()
                ? db.update("UPDATE queue_recipient SET next_attempt = ? WHERE message_id = ? AND state IN ('pending', 'deferred')",
                        now.toEpochMilli(), messageId.getAsLong())
                : db.update("UPDATE queue_recipient SET next_attempt = ? WHERE state IN ('pending', 'deferred')",
                        now.toEpochMilli())));
    }

    @Override
    public boolean remove(long messageId) {
        return GroupCommitWriter.await(writer.submit((db, fx) -> removeMessage(db, fx, messageId)));
    }

    /** {@code column}: notified or delay_warned, set to 1 for the given recipients of the message. */
    private static void mark(SqlSession db, String column, long messageId, Collection<Long> recipientIds) {
        for (long id : recipientIds) {
            db.update("UPDATE queue_recipient SET " + column + " = 1 WHERE id = ? AND message_id = ?", id, messageId);
        }
    }

    /** Removes the message when nothing is left to do for it: no recipient waits, none owes a report. */
    private static boolean removeIfDone(SqlSession db, UnitEffects fx, long messageId) {
        boolean work = db.firstLong("SELECT 1 FROM queue_recipient WHERE message_id = ? AND (state IN ('pending', 'deferred')"
                + " OR notified = 0) LIMIT 1", messageId).isPresent();
        return !work && removeMessage(db, fx, messageId);
    }

    private static boolean removeMessage(SqlSession db, UnitEffects fx, long messageId) {
        Optional<String> blob = db.first("SELECT blob_id FROM queue_message WHERE id = ?", rs -> rs.getString(1), messageId);
        if (blob.isEmpty()) return false;
        db.update("DELETE FROM queue_recipient WHERE message_id = ?", messageId);
        db.update("DELETE FROM queue_message WHERE id = ?", messageId);
        fx.released(blob.get());
        return true;
    }

    private static Object text(Optional<String> s) {
        return s.<Object>map(v -> v).orElse(SqlSession.Null.TEXT);
    }

    @Override
    public Optional<QueuedMessage> message(long id) {
        return reads.read(db -> {
            Optional<Row> row = db.first("SELECT " + MESSAGE_COLUMNS + " FROM queue_message WHERE id = ?",
                    this::mapMessage, id);
            if (row.isEmpty()) return Optional.empty();
            List<Recipient> recipients = db.list("SELECT " + RECIPIENT_COLUMNS + " FROM queue_recipient"
                    + " WHERE message_id = ? ORDER BY id", rs -> mapRecipient(rs).recipient(), id);
            return Optional.of(new QueuedMessage(id, row.get().envelope(), recipients, row.get().lease()));
        });
    }

    @Override
    public List<QueuedMessage> list(long afterId, int limit) {
        return reads.read(db -> {
            Map<Long, Row> envelopes = new LinkedHashMap<>();
            for (Row r : db.list("SELECT " + MESSAGE_COLUMNS + " FROM queue_message WHERE id > ? ORDER BY id LIMIT ?",
                    this::mapMessage, afterId, (long) limit)) {
                envelopes.put(r.id(), r);
            }
            if (envelopes.isEmpty()) return List.of();
            long last = envelopes.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            Map<Long, List<Recipient>> byMessage = new LinkedHashMap<>();
            for (RecipientRow r : db.list("SELECT " + RECIPIENT_COLUMNS + " FROM queue_recipient"
                    + " WHERE message_id > ? AND message_id <= ? ORDER BY id", SqlOutboundQueue::mapRecipient, afterId, last)) {
                byMessage.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r.recipient());
            }
            List<QueuedMessage> out = new ArrayList<>();
            envelopes.forEach((id, row) -> out.add(new QueuedMessage(id, row.envelope(),
                    List.copyOf(byMessage.getOrDefault(id, List.of())), row.lease())));
            return out;
        });
    }

    @Override
    public Map<State, Long> recipientCounts() {
        return reads.read(db -> {
            Map<State, Long> counts = new EnumMap<>(State.class);
            for (Object[] r : db.list("SELECT state, count(*) FROM queue_recipient GROUP BY state",
                    rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
                counts.put(State.valueOf(((String) r[0]).toUpperCase(Locale.ROOT)), (Long) r[1]);
            }
            return counts;
        });
    }

    private record Row(long id, QueuedMessage.Envelope envelope, Optional<Lease> lease) {}

    private record RecipientRow(long messageId, Recipient recipient) {}

    private Row mapMessage(ResultSet rs) throws SQLException {
        long account = rs.getLong(10);
        OptionalLong accountId = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(account);
        var envelope = new QueuedMessage.Envelope(rs.getString(2), new BlobId(rs.getString(3)), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)), body(rs.getString(6)), rs.getInt(7) != 0,
                Optional.ofNullable(rs.getString(8)).map(QueuedMessage.Ret::valueOf),
                Optional.ofNullable(rs.getString(9)), accountId);
        String owner = rs.getString(11);
        long until = clock.toNode(rs.getLong(12)); // stored in the database's time
        Optional<Lease> lease = owner == null ? Optional.empty()
                : Optional.of(new Lease(rs.getLong(1), owner, Instant.ofEpochMilli(until)));
        return new Row(rs.getLong(1), envelope, lease);
    }

    private static RecipientRow mapRecipient(ResultSet rs) throws SQLException {
        var recipient = new Recipient(rs.getLong(2), rs.getString(3),
                Optional.ofNullable(rs.getString(4)).map(SqlOutboundQueue::parseNotify), Optional.ofNullable(rs.getString(5)),
                State.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)), rs.getInt(7),
                Instant.ofEpochMilli(rs.getLong(8)), Optional.ofNullable(rs.getString(9)), Optional.ofNullable(rs.getString(10)),
                rs.getInt(11) != 0, rs.getInt(12) != 0);
        return new RecipientRow(rs.getLong(1), recipient);
    }

    private static String bodyName(QueuedMessage.Body body) {
        return switch (body) {
            case SEVEN_BIT -> "7BIT";
            case EIGHT_BIT_MIME -> "8BITMIME";
            case BINARY_MIME -> "BINARYMIME";
        };
    }

    private static QueuedMessage.Body body(String name) {
        return switch (name) {
            case "7BIT" -> QueuedMessage.Body.SEVEN_BIT;
            case "8BITMIME" -> QueuedMessage.Body.EIGHT_BIT_MIME;
            case "BINARYMIME" -> QueuedMessage.Body.BINARY_MIME;
            default -> throw new StoreException("unknown body type in the queue: " + name);
        };
    }

    private static String notifyText(Set<Notify> notify) {
        if (notify.isEmpty()) return "NEVER";
        StringBuilder sb = new StringBuilder();
        for (Notify n : EnumSet.copyOf(notify)) sb.append(sb.isEmpty() ? "" : ",").append(n.name());
        return sb.toString();
    }

    private static Set<Notify> parseNotify(String text) {
        if (text.equals("NEVER")) return Set.of();
        Set<Notify> set = EnumSet.noneOf(Notify.class);
        for (String part : text.split(",")) set.add(Notify.valueOf(part));
        return Set.copyOf(set);
    }
}
