package dev.letterbox.store.sql;

import dev.letterbox.store.BlobId;
import dev.letterbox.store.OutboundQueue;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.QueuedMessage.Notify;
import dev.letterbox.store.QueuedMessage.Recipient;
import dev.letterbox.store.QueuedMessage.State;
import dev.letterbox.store.StoreException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
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
 */
final class SqlOutboundQueue implements OutboundQueue {
    private static final String MESSAGE_COLUMNS =
            "id, sender, blob_id, size, received, body, smtputf8, ret, env_id, account_id";
    private static final String RECIPIENT_COLUMNS =
            "message_id, id, address, notify, orcpt, state, attempts, next_attempt, last_error";

    private final ReadPool reads;
    private final GroupCommitWriter writer;

    private final SqlBlobStore blobs;

    SqlOutboundQueue(ReadPool reads, GroupCommitWriter writer, SqlBlobStore blobs) {
        this.blobs = blobs;
        this.reads = reads;
        this.writer = writer;
    }

    @Override
    public long enqueue(QueuedMessage.Envelope e, List<QueuedMessage.NewRecipient> recipients) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("a queued message needs a recipient");
        return GroupCommitWriter.await(writer.submit((db, fx) -> {
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
        }));
    }

    @Override
    public Optional<QueuedMessage> message(long id) {
        return reads.read(db -> {
            Optional<Row> row = db.first("SELECT " + MESSAGE_COLUMNS + " FROM queue_message WHERE id = ?",
                    SqlOutboundQueue::mapMessage, id);
            if (row.isEmpty()) return Optional.empty();
            List<Recipient> recipients = db.list("SELECT " + RECIPIENT_COLUMNS + " FROM queue_recipient"
                    + " WHERE message_id = ? ORDER BY id", rs -> mapRecipient(rs).recipient(), id);
            return Optional.of(new QueuedMessage(id, row.get().envelope(), recipients));
        });
    }

    @Override
    public List<QueuedMessage> list(long afterId, int limit) {
        return reads.read(db -> {
            Map<Long, QueuedMessage.Envelope> envelopes = new LinkedHashMap<>();
            for (Row r : db.list("SELECT " + MESSAGE_COLUMNS + " FROM queue_message WHERE id > ? ORDER BY id LIMIT ?",
                    SqlOutboundQueue::mapMessage, afterId, (long) limit)) {
                envelopes.put(r.id(), r.envelope());
            }
            if (envelopes.isEmpty()) return List.of();
            long last = envelopes.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            Map<Long, List<Recipient>> byMessage = new LinkedHashMap<>();
            for (RecipientRow r : db.list("SELECT " + RECIPIENT_COLUMNS + " FROM queue_recipient"
                    + " WHERE message_id > ? AND message_id <= ? ORDER BY id", SqlOutboundQueue::mapRecipient, afterId, last)) {
                byMessage.computeIfAbsent(r.messageId(), k -> new ArrayList<>()).add(r.recipient());
            }
            List<QueuedMessage> out = new ArrayList<>();
            envelopes.forEach((id, env) -> out.add(new QueuedMessage(id, env, List.copyOf(byMessage.getOrDefault(id, List.of())))));
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

    private record Row(long id, QueuedMessage.Envelope envelope) {}

    private record RecipientRow(long messageId, Recipient recipient) {}

    private static Row mapMessage(ResultSet rs) throws SQLException {
        long account = rs.getLong(10);
        OptionalLong accountId = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(account);
        var envelope = new QueuedMessage.Envelope(rs.getString(2), new BlobId(rs.getString(3)), rs.getLong(4),
                Instant.ofEpochMilli(rs.getLong(5)), body(rs.getString(6)), rs.getInt(7) != 0,
                Optional.ofNullable(rs.getString(8)).map(QueuedMessage.Ret::valueOf),
                Optional.ofNullable(rs.getString(9)), accountId);
        return new Row(rs.getLong(1), envelope);
    }

    private static RecipientRow mapRecipient(ResultSet rs) throws SQLException {
        var recipient = new Recipient(rs.getLong(2), rs.getString(3),
                Optional.ofNullable(rs.getString(4)).map(SqlOutboundQueue::parseNotify), Optional.ofNullable(rs.getString(5)),
                State.valueOf(rs.getString(6).toUpperCase(Locale.ROOT)), rs.getInt(7),
                Instant.ofEpochMilli(rs.getLong(8)), Optional.ofNullable(rs.getString(9)));
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
