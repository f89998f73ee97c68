package dev.letterbox.delivery;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.delivery.Outcome.RecipientResult;
import dev.letterbox.message.MessageStructure;
import dev.letterbox.store.Account;
import dev.letterbox.store.BlobId;
import dev.letterbox.store.BlobStore;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One message on its way in: its bytes stream into a spool and a parser while the sender sends;
 * {@link #finish()} then runs the checks, writes the final blobs (the header fields that depend on
 * the whole message in front of the client's unchanged bytes), stores the local copies, queues the
 * rest and returns the one {@link Outcome}.
 *
 * <p>Blobs: local copies get one blob with Return-Path in front (the final-delivery form); what
 * goes to other servers gets one without (a relay adds nothing the next hop would not). Both are
 * written from the spool, never read back from the store.
 *
 * <p>Durability: {@link Outcome.Delivered} is returned only when every copy it reports is committed
 * and everything queued is on disk. Any storage failure makes the whole message {@link
 * Outcome.Deferred} and keeps nothing: every blob is written before the first copy is stored, and
 * copies already stored are taken back (so the sender's retry does not bring two) — except for mail
 * from the queue, which retries each recipient on its own.
 *
 * <p>Not thread-safe: one session thread writes and finishes.
 */
public final class Intake {
    private static final System.Logger LOG = System.getLogger("letterbox.delivery");
    private static final Outcome.Deferred STORAGE_FAILED =
            new Outcome.Deferred("4.3.0", "cannot store the message right now; try again later");

    private final Pipeline pipeline;
    private final Envelope envelope;
    private final Recipients recipients;
    private final MessageSpool spool;
    private final StreamingParse parse;
    private final HeaderSection header;
    private final OutputStream sink = new FailSafeSink();
    /** What broke while the message was spooled, or null. */
    private Exception writeFailure;
    private final List<Check.Run> checks = new ArrayList<>();
    /** Where the body starts in the spooled bytes; unknown (max) until the header section has ended. */
    private long bodyStart = Long.MAX_VALUE;
    /** The header section as a filter changed it; null when unchanged (the spool's bytes are stored). */
    private byte[] editedHeader;
    private boolean done;

    Intake(Pipeline pipeline, Envelope envelope, Recipients recipients) {
        this.pipeline = pipeline;
        this.envelope = envelope;
        this.recipients = recipients;
        this.spool = new MessageSpool(pipeline.blobs());
        this.parse = new StreamingParse();
        for (Check check : pipeline.checks()) {
            Check.Run run = check.start(envelope, recipients);
            if (run != null) checks.add(run);
        }
        // submission completes a message without Date or Message-ID (RFC 6409 §8)
        String completeWith = envelope.origin() == Envelope.Origin.SUBMISSION ? pipeline.hostname() : null;
        this.header = new HeaderSection(new Tee(), completeWith, envelope.client().isPresent() ? this::forgedVerdict : null,
                this::headerSeen);
    }

    /**
     * RFC 8601 §5: an Authentication-Results field naming our host as its authserv-id did not come
     * from us (ours are added after this); a sender could otherwise forge our verdict.
     */
    private boolean forgedVerdict(String name, String value) {
        return name.equals("authentication-results") && AuthservId.of(value).equalsIgnoreCase(pipeline.hostname());
    }

    /**
     * Where the client's message bytes go (after SMTP dot-unstuffing): stored as written. Never
     * throws: when the spool fails (a full disk) the rest of the message is read and dropped, so the
     * protocol stays in step, and {@link #finish()} answers with a temporary failure.
     */
    public OutputStream sink() {
        return sink;
    }

    /** Keeps the sender's stream going when storing fails midway; see {@link #sink()}. */
    private final class FailSafeSink extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (writeFailure != null) return;
            try {
                header.write(b, off, len);
            } catch (IOException | RuntimeException e) {
                writeFailure = e;
                LOG.log(WARNING, "{0}: cannot spool the message: {1}; reading the rest and dropping it",
                        envelope.logContext(), e.toString());
            }
        }
    }

    private void headerSeen(byte[] bytes, int end) {
        for (Check.Run run : checks) run.header(bytes, end);
        if (end >= 0) bodyStart = end;
    }

    /** Drops the message: nothing of it stays anywhere. Safe to call more than once. */
    public void abort() {
        if (done) return;
        done = true;
        parse.abandon();
        spool.close();
    }

    /** Makes the message durable everywhere it goes (or refuses it) and says what happened. */
    public Outcome finish() {
        if (done) throw new IllegalStateException("message already finished or aborted");
        done = true;
        try {
            if (writeFailure != null) return STORAGE_FAILED;
            header.finish();
            Verdict verdict = pipeline.runChecks(checks, spooled());
            return switch (verdict.action()) {
                case REJECT -> refused(verdict);
                case TEMPFAIL -> {
                    LOG.log(INFO, "{0}: message deferred: {1}", envelope.logContext(), verdict.text());
                    yield new Outcome.Deferred(verdict.enhancedCode(), verdict.text());
                }
                case DISCARD -> {
                    LOG.log(INFO, "{0}: message discarded: {1}", envelope.logContext(), verdict.text());
                    yield new Outcome.Delivered(Map.of(), 0, 0, OptionalLong.empty());
                }
                case ACCEPT, JUNK -> place(verdict.edits().isEmpty() ? parsed() : edited(verdict.edits()), verdict);
            };
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: cannot store the message: {1}", envelope.logContext(), e.toString());
            return STORAGE_FAILED;
        } finally {
            parse.abandon();
            spool.close();
        }
    }

    /** The structure of the spooled message; null (readers then parse on demand) when parsing failed. */
    private MessageStructure parsed() {
        try {
            return parse.finish();
        } catch (IOException e) {
            LOG.log(WARNING, "{0}: cannot parse the message, storing it without its structure: {1}",
                    envelope.logContext(), e.getMessage());
            return null;
        }
    }

    /**
     * Applies a filter's changes to the header section (the body stays as sent) and parses the
     * changed message: the structure parsed while streaming no longer fits. A header section too
     * long to have been found keeps its bytes (the changes are dropped, with a log line).
     */
    private MessageStructure edited(List<HeaderEdit> edits) throws IOException {
        if (bodyStart == Long.MAX_VALUE) {
            LOG.log(WARNING, "{0}: header changes asked by a filter dropped: header section too long", envelope.logContext());
            return parsed();
        }
        byte[] header = spool.head((int) bodyStart);
        for (HeaderEdit edit : edits) header = edit.apply(header);
        editedHeader = header;
        try (var in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(header), bodyStream())) {
            return MessageStructure.parse(in);
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: cannot parse the changed message, storing it without its structure: {1}",
                    envelope.logContext(), e.toString());
            return null;
        }
    }

    /** The spooled body (after the header section), read again. */
    private java.io.InputStream bodyStream() throws IOException {
        java.io.InputStream in = spool.open();
        in.skipNBytes(bodyStart);
        return in;
    }

    /**
     * Stores the local copies, queues the rest; the outcome. {@code parsed} is the structure of the
     * spooled bytes (null when parsing failed), re-based behind the prefix of each copy.
     */
    private Outcome place(MessageStructure parsed, Verdict verdict) throws IOException {
        byte[] trace = concat(fields(verdict), traceFields());
        List<Account> accounts = recipients.accounts();
        boolean junk = verdict.action() == Verdict.Action.JUNK;
        if (junk) LOG.log(INFO, "{0}: filed as junk: {1}", envelope.logContext(), verdict.text());
        FilterRun filters = FilterRun.decide(pipeline.filters(), pipeline.store(), accounts, filterMessage(parsed, verdict),
                envelope.logContext());
        Optional<String> refusedByAll = filters.rejectedByAll();
        if (refusedByAll.isPresent() && recipients.relayed().isEmpty() && recipients.forwards().isEmpty()
                && envelope.client().isPresent()) {
            // RFC 5429 §2.1.1: refused while the client waits, instead of a report sent afterwards
            LOG.log(INFO, "{0}: message refused by the recipients' filters: {1}", envelope.logContext(), refusedByAll.get());
            return new Outcome.Refused(Outcome.Reason.POLICY, "5.7.1", refusedByAll.get());
        }
        List<Recipients.Forward> forwards = new ArrayList<>(recipients.forwards());
        forwards.addAll(filters.forwards(pipeline.forwarding(), this::loopSigns, envelope.logContext()));
        OutboundCopies out = OutboundCopies.plan(recipients.relayed(), forwards, pipeline.forwarding(),
                envelope.sender(), this::loopSigns, envelope.logContext());
        // every blob first: a failure to write one must come before anything is stored
        Blobs blobs = new Blobs();
        byte[] localPrefix = concat(returnPath(), trace);
        List<LocalDelivery.Placement> placements = new ArrayList<>();
        try {
            Optional<String> sealer = out.forwardedFor().stream().findFirst();
            if (!out.relayed().isEmpty()) blobs.relay = writeBlob(concat(sealed(verdict, trace, sealer), trace));
            if (!out.forwarded().isEmpty()) {
                byte[] forwardTrace = concat(out.deliveredTo(), trace);
                blobs.forward = writeBlob(concat(sealed(verdict, forwardTrace, sealer), forwardTrace));
            }
            byte[] structure = parsed == null ? null : parsed.afterPrefix(localPrefix.length).serialize();
            for (Account account : accounts) {
                FilterDecision d = filters.decision(account);
                if (d.copies().isEmpty()) continue;
                if (d.header().isPresent()) { // the account's scripts changed the header: a copy of its own
                    StoredBlob own = writeBlob(localPrefix, SieveMessage.headerSection(d.header().get()));
                    blobs.own.add(own);
                    placements.add(new LocalDelivery.Placement(account, own.id(), own.size(), null, d.copies()));
                } else {
                    if (blobs.local == null) blobs.local = writeBlob(localPrefix);
                    placements.add(new LocalDelivery.Placement(account, blobs.local.id(), blobs.local.size(), structure,
                            d.copies()));
                }
            }
        } catch (IOException | RuntimeException e) {
            blobs.discard(pipeline);
            throw e;
        }
        Map<Long, DeliveryOutcome> byAccount = new LinkedHashMap<>();
        for (Account account : accounts) byAccount.put(account.id(), new DeliveryOutcome.Filtered(account));
        for (DeliveryOutcome o : pipeline.local().deliver(placements, junk, envelope.logContext())) {
            byAccount.put(o.account().id(), o);
        }
        Map<String, RecipientResult> results = results(byAccount);
        List<DeliveryOutcome.Stored> stored = byAccount.values().stream()
                .filter(o -> o instanceof DeliveryOutcome.Stored).map(o -> (DeliveryOutcome.Stored) o).toList();
        boolean filtered = byAccount.values().stream().anyMatch(o -> o instanceof DeliveryOutcome.Filtered);
        List<QueuedMessage.NewRecipient> reports = new ArrayList<>();
        boolean fromQueue = envelope.origin() == Envelope.Origin.QUEUE;
        if (!fromQueue) {
            if (results.containsValue(RecipientResult.FAILED)) return undo(stored, blobs, STORAGE_FAILED);
            if (stored.isEmpty() && out.sendsNothing() && !filtered) {
                // RFC 3463 X.4.6: routing loop detected
                if (out.loopText().isPresent()) return undo(stored, blobs, new Outcome.Refused(Outcome.Reason.POLICY, "5.4.6",
                        out.loopText().get()));
                return undo(stored, blobs, new Outcome.Refused(Outcome.Reason.MAILBOX_FULL, "5.2.2", "mailbox full"));
            }
            reports.addAll(reportsOwed(byAccount, verdict.senderVerified()));
            reports.addAll(out.loops());
            reports.addAll(refusalReports(filters, accounts));
        }
        if (!reports.isEmpty() && blobs.relay == null && blobs.forward == null && blobs.local == null) {
            try { // only reports, and no copy was written (the filters refused or discarded it): they quote the message
                blobs.local = writeBlob(localPrefix);
            } catch (IOException | RuntimeException e) {
                LOG.log(WARNING, "{0}: cannot write the message for its reports: {1}", envelope.logContext(), e.toString());
                return undo(stored, blobs, STORAGE_FAILED);
            }
        }
        OptionalLong queueId;
        try {
            queueId = enqueue(out, reports, blobs, verdict.senderVerified());
        } catch (StoreException e) {
            LOG.log(WARNING, "{0}: cannot queue the message: {1}", envelope.logContext(), e.getMessage());
            return undo(stored, blobs, new Outcome.Deferred("4.3.0", "cannot queue the message right now; try again later"));
        }
        discardUnused(placements, byAccount, blobs);
        filters.afterDelivery(pipeline.vacations(), pipeline::addressesOf, envelope.sender(), envelope.logContext());
        int queued = out.relayed().size() + out.forwarded().size() + reports.size();
        LOG.log(INFO, "{0}: accepted message, size={1}, {2} local cop{3}, {4} queued", envelope.logContext(),
                header.messageBytes(), stored.size(), stored.size() == 1 ? "y" : "ies", queued);
        return new Outcome.Delivered(results, stored.size(), junk ? stored.size() : 0, queueId);
    }

    /** What the recipients' filters see of this message. */
    private FilterRun.Message filterMessage(MessageStructure parsed, Verdict verdict) {
        java.util.OptionalInt spam = checks.isEmpty() ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(verdict.action() == Verdict.Action.JUNK ? 100 : 0);
        return new FilterRun.Message(this::headerBytes, envelope.sender(), recipients::writtenFor, envelope.submitter().map(Account::address),
                spool.size(), bodyStart == Long.MAX_VALUE ? spool.size() : bodyStart, spool::open, parsed,
                new SieveMessage.Scans(spam, verdict.virusLevel()), pipeline.hostname());
    }

    /** The header section as the client sent it (empty when it was too long to find). */
    private byte[] headerBytes() {
        try {
            return bodyStart == Long.MAX_VALUE ? new byte[0] : spool.head((int) bodyStart);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /**
     * Failure reports (RFC 5429 §2.1: reject, when the client could not be refused at once) for the
     * accounts whose filters refused the message.
     */
    private List<QueuedMessage.NewRecipient> refusalReports(FilterRun filters, List<Account> accounts) {
        List<QueuedMessage.NewRecipient> out = new ArrayList<>();
        for (Account account : accounts) {
            filters.decision(account).rejection().ifPresent(reason -> out.add(new QueuedMessage.NewRecipient(account.address(),
                    Optional.empty(), Optional.empty(), QueuedMessage.State.FAILED,
                    Optional.of("550 5.7.1 " + reason.replaceAll("[\\r\\n]+", " ")))));
        }
        return out;
    }

    /** The blobs one message is written to: each copy's own prefix in front of the same spooled bytes. */
    private static final class Blobs {
        StoredBlob relay;
        StoredBlob forward;
        StoredBlob local;
        /** Copies of accounts whose filters changed the header, each with its own blob. */
        final List<StoredBlob> own = new ArrayList<>();
        /** True when a queue entry refers to the local copy's blob (reports only quote it). */
        boolean localQueued;

        void discard(Pipeline pipeline) {
            for (StoredBlob b : new StoredBlob[] {relay, forward, local}) {
                if (b != null) pipeline.discard(b.id());
            }
            for (StoredBlob b : own) pipeline.discard(b.id());
        }
    }

    /**
     * Queues what leaves: the relayed recipients and the reports owed with the sender as it is; the
     * forwarded copies with their own sender and blob (one entry when the two are the same sender
     * and nothing is relayed). Both entries or neither: when the second cannot be queued the first
     * is taken back. The id of the first entry, or empty when nothing was queued.
     */
    private OptionalLong enqueue(OutboundCopies out, List<QueuedMessage.NewRecipient> reports, Blobs blobs,
                                 boolean senderVerified) {
        List<QueuedMessage.NewRecipient> main = new ArrayList<>(out.relayed());
        List<QueuedMessage.NewRecipient> forwarded = new ArrayList<>(out.forwarded());
        boolean together = !forwarded.isEmpty() && out.relayed().isEmpty() && out.forwardSender().equals(envelope.sender());
        if (together) forwarded.addAll(reports);
        else main.addAll(reports);
        OptionalLong first = OptionalLong.empty();
        if (!main.isEmpty()) {
            // only reports: they quote a copy of the message, the local one when there is one
            StoredBlob blob = blobs.relay != null ? blobs.relay : blobs.local != null ? blobs.local : blobs.forward;
            blobs.localQueued = blob == blobs.local;
            first = OptionalLong.of(pipeline.queue().enqueue(queueEnvelope(blob, envelope.sender()),
                    reportPolicy(main, senderVerified), envelope.logContext()));
        }
        if (!forwarded.isEmpty()) {
            try {
                long id = pipeline.queue().enqueue(queueEnvelope(blobs.forward, out.forwardSender()),
                        reportPolicy(forwarded, senderVerified), envelope.logContext());
                if (first.isEmpty()) first = OptionalLong.of(id);
            } catch (StoreException e) {
                if (first.isPresent()) pipeline.queue().withdraw(first.getAsLong(), envelope.logContext());
                throw e;
            }
        }
        return first;
    }

    /** What the header section, as it will leave, says about loops; nothing when it was too long to find. */
    private LoopSigns loopSigns() {
        if (bodyStart == Long.MAX_VALUE) return LoopSigns.NONE;
        try {
            byte[] h = editedHeader != null ? editedHeader : spool.head((int) bodyStart);
            return LoopSigns.of(h, h.length);
        } catch (IOException e) {
            LOG.log(WARNING, "{0}: cannot read the header back for loop detection: {1}", envelope.logContext(), e.toString());
            return LoopSigns.NONE;
        }
    }

    /**
     * A message that will not be answered with success keeps nothing: the local copies already
     * stored are taken back (the sender will send again, and must not cause two copies) and the
     * blobs nobody refers to any more are removed.
     */
    private Outcome undo(List<DeliveryOutcome.Stored> stored, Blobs blobs, Outcome outcome) {
        if (!stored.isEmpty()) pipeline.local().withdraw(stored, envelope.logContext());
        blobs.discard(pipeline);
        return outcome;
    }

    /**
     * The ARC set for a copy forwarded for {@code forwardedFor} (an alias, account forwarding or a
     * Sieve redirect), over the header as it leaves (trace fields and all); none when nothing is
     * forwarded or no check vouches for the message.
     */
    private byte[] sealed(Verdict verdict, byte[] trace, Optional<String> forwardedFor) throws IOException {
        if (verdict.seal().isEmpty() || forwardedFor.isEmpty() || bodyStart == Long.MAX_VALUE) return new byte[0];
        byte[] header = concat(trace, editedHeader != null ? editedHeader : spool.head((int) bodyStart));
        try {
            StringBuilder sb = new StringBuilder();
            for (String field : verdict.seal().get().fields(forwardedFor.get(), header)) sb.append(field);
            return TraceFields.bytes(sb.toString());
        } catch (RuntimeException e) {
            LOG.log(WARNING, "{0}: forwarding without an ARC seal: {1}", envelope.logContext(), e.toString());
            return new byte[0];
        }
    }

    /** A blob nobody got a copy of is removed (the store removes blobs only with their last reference). */
    private void discardUnused(List<LocalDelivery.Placement> placements, Map<Long, DeliveryOutcome> byAccount, Blobs blobs) {
        java.util.Set<BlobId> used = new java.util.HashSet<>(), unused = new java.util.HashSet<>();
        if (blobs.localQueued) used.add(blobs.local.id());
        for (LocalDelivery.Placement p : placements) {
            (byAccount.get(p.account().id()) instanceof DeliveryOutcome.Stored ? used : unused).add(p.blob());
        }
        unused.removeAll(used);
        for (BlobId id : unused) pipeline.discard(id);
    }

    /** Each recipient as written: delivered if any of its accounts got the message or it has remote addresses. */
    private Map<String, RecipientResult> results(Map<Long, DeliveryOutcome> byAccount) {
        Map<String, RecipientResult> out = new LinkedHashMap<>();
        for (Recipients.Entry e : recipients.entries()) {
            RecipientResult r = e.accounts().isEmpty() ? RecipientResult.DELIVERED : RecipientResult.OVER_QUOTA;
            for (Account a : e.accounts()) {
                DeliveryOutcome o = byAccount.get(a.id());
                if (o instanceof DeliveryOutcome.Stored || o instanceof DeliveryOutcome.Filtered) {
                    r = RecipientResult.DELIVERED;
                    break;
                }
                if (o instanceof DeliveryOutcome.Failed) r = RecipientResult.FAILED;
            }
            if (!e.remote().isEmpty()) r = RecipientResult.DELIVERED;
            out.merge(e.written(), r, (a, b) -> a == RecipientResult.DELIVERED ? a : b);
        }
        return out;
    }

    /**
     * Queue entries that exist only to send the sender a report (RFC 3461): a local account over
     * quota while others got the message (its failure report), and a local recipient that asked for
     * a success report and got its copy.
     */
    private List<QueuedMessage.NewRecipient> reportsOwed(Map<Long, DeliveryOutcome> byAccount, boolean senderVerified) {
        List<QueuedMessage.NewRecipient> out = new ArrayList<>();
        for (DeliveryOutcome o : byAccount.values()) {
            if (o instanceof DeliveryOutcome.OverQuota q) {
                out.add(new QueuedMessage.NewRecipient(q.account().address(), Optional.empty(), Optional.empty(),
                        QueuedMessage.State.FAILED, Optional.of("552 5.2.2 mailbox full")));
            }
        }
        for (Recipients.Entry e : recipients.entries()) {
            if (!e.wantsSuccessReport() || e.accounts().isEmpty() || !mayReport(senderVerified)) continue;
            boolean stored = e.accounts().stream().anyMatch(a -> byAccount.get(a.id()) instanceof DeliveryOutcome.Stored);
            if (stored) {
                out.add(new QueuedMessage.NewRecipient(e.written(), e.notifyOn(), e.orcpt(), QueuedMessage.State.DELIVERED,
                        Optional.empty()));
            }
        }
        return out;
    }

    /**
     * Delivery reports must not become a way to mail third parties: mail from the Internet names any
     * sender it likes, so success and delay reports (RFC 3461 NOTIFY=SUCCESS, DELAY) go only to a
     * sender we know — one of our users, or one whose SPF passed — and failure reports still go
     * (RFC 3461 §4.1 wants them), with the message's header only.
     */
    private boolean mayReport(boolean senderVerified) {
        return switch (envelope.origin()) {
            case SUBMISSION, LOCAL, QUEUE -> true;
            case INBOUND -> senderVerified;
        };
    }

    /** The queued recipients with NOTIFY=SUCCESS and DELAY removed when the sender may not have them. */
    private List<QueuedMessage.NewRecipient> reportPolicy(List<QueuedMessage.NewRecipient> queued, boolean senderVerified) {
        if (mayReport(senderVerified)) return queued;
        List<QueuedMessage.NewRecipient> out = new ArrayList<>(queued.size());
        for (QueuedMessage.NewRecipient r : queued) {
            var notify = r.notifyOn().map(n -> n.contains(QueuedMessage.Notify.FAILURE)
                    ? java.util.Set.of(QueuedMessage.Notify.FAILURE) : java.util.Set.<QueuedMessage.Notify>of());
            out.add(new QueuedMessage.NewRecipient(r.address(), notify, r.orcpt(), r.state(), r.lastError()));
        }
        return out;
    }

    /** RET=FULL (the whole message back in a failure report) only for our own users' mail. */
    private QueuedMessage.Envelope queueEnvelope(StoredBlob blob, String sender) {
        Envelope.Options o = envelope.options();
        var ret = envelope.origin() == Envelope.Origin.INBOUND ? o.ret().map(r -> QueuedMessage.Ret.HDRS) : o.ret();
        return new QueuedMessage.Envelope(sender, blob.id(), blob.size(), Instant.now(), o.body(),
                o.smtputf8(), ret, o.envId(), envelope.submitter().map(a -> OptionalLong.of(a.id()))
                .orElse(OptionalLong.empty()));
    }

    private Outcome refused(Verdict verdict) {
        LOG.log(INFO, "{0}: message refused: {1}", envelope.logContext(), verdict.text());
        return new Outcome.Refused(Outcome.Reason.POLICY, verdict.enhancedCode(), verdict.text());
    }

    /** The checks' header fields, in the order the checks are configured. */
    private static byte[] fields(Verdict verdict) {
        StringBuilder sb = new StringBuilder();
        for (String f : verdict.fields()) sb.append(f);
        return TraceFields.bytes(sb.toString());
    }

    /** The spooled message as the checks may read it again. */
    private SpooledMessage spooled() {
        return new SpooledMessage() {
            @Override
            public java.io.InputStream open() throws IOException {
                return spool.open();
            }

            @Override
            public long size() {
                return spool.size();
            }

            @Override
            public long bodyStart() {
                return bodyStart == Long.MAX_VALUE ? -1 : bodyStart;
            }
        };
    }

    /** Return-Path (RFC 5321 §4.4) for the final-delivery copy; none for a local delivery without a sender. */
    private byte[] returnPath() {
        if (envelope.origin() == Envelope.Origin.LOCAL && envelope.sender().isEmpty()) return new byte[0];
        return TraceFields.returnPath(envelope.sender());
    }

    /** The Received field of an SMTP message; nothing for mail handed over locally. */
    private byte[] traceFields() {
        return envelope.client()
                .map(c -> TraceFields.received(c, pipeline.hostname(), recipients.single(), ZonedDateTime.now()))
                .orElse(new byte[0]);
    }

    /** Writes {@code prefix} and the spooled message into a new committed blob. */
    private StoredBlob writeBlob(byte[] prefix) throws IOException {
        return writeBlob(prefix, editedHeader);
    }

    /** Writes {@code prefix}, then {@code header} (null: the message's) and the spooled body, into a new committed blob. */
    private StoredBlob writeBlob(byte[] prefix, byte[] header) throws IOException {
        BlobStore blobs = pipeline.blobs();
        try (BlobStore.BlobWriter writer = blobs.create()) {
            OutputStream out = writer.stream();
            out.write(prefix);
            if (header == null || bodyStart == Long.MAX_VALUE) {
                spool.copyTo(out);
            } else {
                out.write(header);
                spool.copyTo(out, bodyStart);
            }
            long size = writer.bytesWritten();
            return new StoredBlob(writer.commit(), size);
        }
    }

    private record StoredBlob(BlobId id, long size) {}

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** The message's bytes go to the spool and, at the same time, to the parser. */
    private final class Tee extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        private long position;

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            spool.write(b, off, len);
            parse.write(b, off, len);
            if (!checks.isEmpty() && position + len > bodyStart) {
                int skip = (int) Math.max(0, bodyStart - position);
                for (Check.Run run : checks) run.body(b, off + skip, len - skip);
            }
            position += len;
        }
    }
}
