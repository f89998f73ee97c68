package dev.letterbox.milter;

import static dev.letterbox.milter.MilterProtocol.*;

import dev.letterbox.smtp.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message's conversation with one filter, in the order of the Sendmail milter protocol v6:
 * option negotiation, connect, HELO, MAIL, RCPT per recipient, DATA, each header field, end of
 * headers, the body in chunks, end of message, quit. Steps the filter asked to skip are not sent;
 * replies the filter said it would not send are not awaited.
 *
 * <p>A session is used once, by one thread. It never changes the message: modifications are
 * collected and returned with the verdict.
 */
final class MilterSession {
    /** Bounds on what one end-of-message reply may ask for. */
    static final int MAX_HEADER_CHANGES = 1_000;
    static final int MAX_CHANGE_BYTES = 1024 * 1024;
    private static final int MAX_IGNORED_NOTES = 20;
    /** A header value longer than this is shortened when sent (a filter's packet buffer is ~64 KiB). */
    private static final int MAX_SENT_VALUE = 60_000;

    private static final SmtpReply DEFAULT_REJECT = SmtpReply.of(550, "5.7.1", "Command rejected");
    private static final SmtpReply DEFAULT_TEMPFAIL = SmtpReply.of(451, "4.7.1", "Service unavailable - try again later");

    private final MilterChannel channel;
    private final MilterEnvelope envelope;
    private int actions;
    private int steps;

    private final List<HeaderChange> headerChanges = new ArrayList<>();
    private final List<MilterVerdict.RefusedRecipient> refused = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private int ignoredCount;
    private int changeBytes;
    private String quarantineReason;

    MilterSession(MilterChannel channel, MilterEnvelope envelope) {
        this.channel = channel;
        this.envelope = envelope;
    }

    /** Runs the whole conversation; an IOException means no verdict (the filter failed). */
    MilterVerdict run(InputStream message) throws IOException {
        negotiate();
        MilterVerdict verdict = envelopeSteps();
        if (verdict == null) verdict = contentSteps(message);
        quit();
        return verdict;
    }

    private void negotiate() throws IOException {
        channel.send(CMD_OPTNEG, new Packet.Builder().int32(VERSION).int32(OFFERED_ACTIONS).int32(OFFERED_STEPS).build());
        Packet reply = channel.receive();
        if (reply.code() != CMD_OPTNEG) throw new MilterException("filter answered option negotiation with '" + describe(reply.code()) + "'");
        Packet.Fields f = reply.fields();
        int version = f.int32();
        if (version < 2 || version > VERSION) throw new MilterException("filter speaks milter protocol version " + version);
        // Anything the filter asks beyond our offer is dropped (rspamd asks for a fixed set); what
        // follows the three numbers (macros wanted per stage) is optional and we send ours anyway.
        actions = f.int32() & OFFERED_ACTIONS;
        steps = f.int32() & OFFERED_STEPS;
    }

    /** Connect, HELO, MAIL and RCPT; a verdict when the filter decided early, else null. */
    private MilterVerdict envelopeSteps() throws IOException {
        MilterVerdict early = step(CMD_CONNECT, NO_CONNECT, NOREPLY_CONNECT, "connect", connectMacros(), connectData());
        if (early != null) return early;
        if (envelope.helo() != null) {
            early = step(CMD_HELO, NO_HELO, NOREPLY_HELO, "HELO", heloMacros(), new Packet.Builder().string(envelope.helo()).build());
            if (early != null) return early;
        }
        Packet.Builder mail = new Packet.Builder().string("<" + envelope.mailFrom() + ">");
        envelope.mailParameters().forEach(mail::string);
        early = step(CMD_MAIL, NO_MAIL, NOREPLY_MAIL, "MAIL", mailMacros(), mail.build());
        if (early != null) return early;
        for (String rcpt : envelope.recipients()) {
            MilterVerdict answer = step(CMD_RCPT, NO_RCPT, NOREPLY_RCPT, "RCPT", rcptMacros(rcpt),
                    new Packet.Builder().string("<" + rcpt + ">").build());
            switch (answer) {
                case null -> { }
                // RCPT-stage refusals concern that recipient only (libmilter semantics).
                case MilterVerdict.Reject r -> refused.add(new MilterVerdict.RefusedRecipient(rcpt, r.reply()));
                case MilterVerdict.TempFail t -> refused.add(new MilterVerdict.RefusedRecipient(rcpt, t.reply()));
                default -> { return answer; }
            }
        }
        if (refused.size() == envelope.recipients().size()) return allRefused();
        return null;
    }

    /** DATA, header fields, end of headers, body, end of message. */
    private MilterVerdict contentSteps(InputStream message) throws IOException {
        MilterVerdict early = step(CMD_DATA, NO_DATA, NOREPLY_DATA, "DATA", queueIdMacro(), new byte[0]);
        if (early != null) return early;
        HeaderSectionReader headers = new HeaderSectionReader(message);
        boolean leadingSpace = (steps & HEADER_LEADING_SPACE) != 0;
        for (HeaderSectionReader.Field field; (field = headers.next()) != null; ) {
            if ((steps & NO_HEADERS) != 0) continue;
            byte[] data = new Packet.Builder().string(field.name())
                    .cstring(field.valueForFilter(leadingSpace, MAX_SENT_VALUE)).build();
            early = step(CMD_HEADER, NO_HEADERS, NOREPLY_HEADER, "header", Map.of(), data);
            if (early != null) return early;
        }
        early = step(CMD_EOH, NO_EOH, NOREPLY_EOH, "end of headers", Map.of(), new byte[0]);
        if (early != null) return early;
        if ((steps & NO_BODY) == 0) {
            early = sendBody(headers.body());
            if (early != null) return early;
        }
        sendMacros(CMD_EOM, queueIdMacro());
        channel.send(CMD_EOM, new byte[0]);
        return endOfMessageReply();
    }

    private MilterVerdict sendBody(InputStream body) throws IOException {
        byte[] chunk = new byte[MAX_BODY_CHUNK];
        int n;
        while ((n = body.readNBytes(chunk, 0, chunk.length)) > 0) {
            channel.send(CMD_BODY, chunk, 0, n);
            if ((steps & NOREPLY_BODY) != 0) continue;
            Packet reply = awaitAnswer();
            if (reply.code() == REPLY_SKIP) return null; // the filter has seen enough body
            MilterVerdict early = stepVerdict(reply, "body");
            if (early != null) return early;
        }
        return null;
    }

    /**
     * Sends one step (with its macros) unless the filter skips it, then reads the answer unless the
     * filter said it sends none. Null means go on.
     */
    private MilterVerdict step(byte command, int skipFlag, int noReplyFlag, String name, Map<String, String> macros, byte[] data)
            throws IOException {
        if ((steps & skipFlag) != 0) return null;
        sendMacros(command, macros);
        channel.send(command, data);
        if ((steps & noReplyFlag) != 0) return null;
        return stepVerdict(awaitAnswer(), name);
    }

    /** The next packet that is not "progress" (progress only extends the wait, within the deadline). */
    private Packet awaitAnswer() throws IOException {
        while (true) {
            Packet reply = channel.receive();
            if (reply.code() != REPLY_PROGRESS) return reply;
        }
    }

    /** The verdict an answer before end of message gives: null to go on. */
    private MilterVerdict stepVerdict(Packet reply, String stepName) throws IOException {
        return switch (reply.code()) {
            case REPLY_CONTINUE -> null;
            case REPLY_ACCEPT -> new MilterVerdict.Accept(changes()); // no further filtering wanted
            case REPLY_REJECT, REPLY_TEMPFAIL, REPLY_DISCARD, REPLY_REPLYCODE -> finalVerdict(reply);
            default -> throw new MilterException("filter answered " + stepName + " with '" + describe(reply.code()) + "'");
        };
    }

    private MilterVerdict finalVerdict(Packet reply) throws IOException {
        return switch (reply.code()) {
            case REPLY_ACCEPT, REPLY_CONTINUE -> quarantineReason != null
                    ? new MilterVerdict.Quarantine(quarantineReason, changes())
                    : new MilterVerdict.Accept(changes());
            case REPLY_REJECT -> new MilterVerdict.Reject(DEFAULT_REJECT);
            case REPLY_TEMPFAIL -> new MilterVerdict.TempFail(DEFAULT_TEMPFAIL);
            case REPLY_DISCARD -> new MilterVerdict.Discard();
            case REPLY_REPLYCODE -> {
                SmtpReply smtp = parseReplyCode(reply.fields().string());
                yield smtp.isPermanent() ? new MilterVerdict.Reject(smtp) : new MilterVerdict.TempFail(smtp);
            }
            default -> throw new MilterException("unexpected final reply '" + describe(reply.code()) + "'");
        };
    }

    /** Reads modification requests until the final reply to end of message. */
    private MilterVerdict endOfMessageReply() throws IOException {
        while (true) {
            Packet reply = channel.receive();
            switch (reply.code()) {
                case REPLY_PROGRESS -> { }
                case REPLY_ADDHEADER -> {
                    Packet.Fields f = reply.fields();
                    String name = f.string();
                    String value = f.string();
                    headerChange(ACTION_ADDHDRS, name, () -> new HeaderChange.Add(name, filterValue(value)));
                }
                case REPLY_INSHEADER, REPLY_CHGHEADER -> {
                    Packet.Fields f = reply.fields();
                    int index = f.int32();
                    String name = f.string();
                    String value = f.string();
                    if (reply.code() == REPLY_INSHEADER) {
                        headerChange(ACTION_ADDHDRS, name,
                                () -> new HeaderChange.Insert(Math.max(0, index), name, filterValue(value)));
                    } else {
                        // Sendmail treats index 0 as the first field of that name.
                        headerChange(ACTION_CHGHDRS, name,
                                () -> new HeaderChange.Change(Math.max(1, index), name, filterValue(value)));
                    }
                }
                case REPLY_QUARANTINE -> {
                    if ((actions & ACTION_QUARANTINE) == 0) {
                        ignore("quarantine without having negotiated it");
                    } else {
                        quarantineReason = printable(reply.fields().string());
                    }
                }
                case REPLY_ADDRCPT, REPLY_ADDRCPT_PAR -> ignore("add recipient");
                case REPLY_DELRCPT -> ignore("delete recipient");
                case REPLY_CHGFROM -> ignore("change sender");
                case REPLY_REPLBODY -> ignore("replace body");
                case REPLY_SETSYMLIST -> ignore("set macro list");
                case REPLY_ACCEPT, REPLY_CONTINUE, REPLY_REJECT, REPLY_TEMPFAIL, REPLY_DISCARD, REPLY_REPLYCODE -> {
                    return finalVerdict(reply);
                }
                default -> throw new MilterException("filter answered end of message with '" + describe(reply.code()) + "'");
            }
        }
    }

    private interface ChangeMaker {
        HeaderChange make();
    }

    private void headerChange(int action, String name, ChangeMaker maker) throws MilterException {
        if ((actions & action) == 0) {
            ignore("header change without having negotiated it");
            return;
        }
        HeaderChange change;
        try {
            change = maker.make();
        } catch (IllegalArgumentException malformed) {
            ignore("malformed header change for '" + printable(name) + "': " + malformed.getMessage());
            return;
        }
        changeBytes += change.name().length() + change.value().length();
        if (headerChanges.size() >= MAX_HEADER_CHANGES || changeBytes > MAX_CHANGE_BYTES) {
            throw new MilterException("filter asked for more than " + MAX_HEADER_CHANGES + " header changes or "
                    + MAX_CHANGE_BYTES + " bytes of them");
        }
        headerChanges.add(change);
    }

    /** Filters fold with LF (sometimes CRLF); with the leading-space option the value keeps its space. */
    private String filterValue(String value) {
        String v = value.replace("\r\n", "\n");
        if ((steps & HEADER_LEADING_SPACE) != 0 && v.startsWith(" ")) v = v.substring(1);
        return v;
    }

    private void ignore(String what) {
        ignoredCount++;
        if (ignored.size() < MAX_IGNORED_NOTES) {
            if (!ignored.contains(what)) ignored.add(what);
        }
    }

    private MilterVerdict.Changes changes() {
        List<String> notes = new ArrayList<>(ignored);
        if (ignoredCount > MAX_IGNORED_NOTES) notes.add((ignoredCount - ignored.size()) + " more ignored requests");
        return new MilterVerdict.Changes(headerChanges, refused, notes);
    }

    /** Every recipient refused at RCPT time: the message is refused, permanently only if every refusal was. */
    private MilterVerdict allRefused() {
        for (MilterVerdict.RefusedRecipient r : refused) {
            if (r.reply().isTransient()) return new MilterVerdict.TempFail(r.reply());
        }
        return new MilterVerdict.Reject(refused.get(0).reply());
    }

    private void quit() {
        try {
            channel.send(CMD_QUIT, new byte[0]);
        } catch (IOException ignoredOnQuit) {
            // the verdict stands; the filter just sees the connection close
        }
    }

    // ---- macros and step data ----

    private void sendMacros(byte stage, Map<String, String> macros) throws IOException {
        Packet.Builder b = new Packet.Builder().bytes(stage);
        boolean any = false;
        for (Map.Entry<String, String> m : macros.entrySet()) {
            if (m.getValue() == null) continue;
            b.string(m.getKey()).string(m.getValue());
            any = true;
        }
        if (any) channel.send(CMD_MACRO, b.build());
    }

    private Map<String, String> connectMacros() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("j", envelope.hostname());
        m.put("{daemon_name}", envelope.daemonName());
        m.put("{if_addr}", envelope.serverAddress() == null ? null : address(envelope.serverAddress()));
        m.put("{client_addr}", envelope.clientAddress() == null ? null : address(envelope.clientAddress()));
        m.put("{client_port}", envelope.clientAddress() == null ? null : Integer.toString(envelope.clientPort()));
        m.put("{client_name}", clientName());
        return m;
    }

    private Map<String, String> heloMacros() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("{tls_version}", envelope.tlsVersion());
        m.put("{cipher}", envelope.tlsCipher());
        return m;
    }

    private Map<String, String> mailMacros() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("i", envelope.queueId());
        m.put("{auth_type}", envelope.authMechanism());
        m.put("{auth_authen}", envelope.authIdentity());
        m.put("{mail_addr}", envelope.mailFrom());
        return m;
    }

    private Map<String, String> rcptMacros(String rcpt) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("i", envelope.queueId());
        m.put("{rcpt_addr}", rcpt);
        return m;
    }

    private Map<String, String> queueIdMacro() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("i", envelope.queueId());
        return m;
    }

    /** Postfix's word for a client without a verified name; rspamd and others recognise it. */
    private String clientName() {
        return envelope.clientName() == null || envelope.clientName().isEmpty() ? "unknown" : envelope.clientName();
    }

    private byte[] connectData() {
        Packet.Builder b = new Packet.Builder().string(clientName());
        InetAddress client = envelope.clientAddress();
        if (client == null) return b.bytes(FAMILY_UNKNOWN).build();
        return b.bytes(client instanceof Inet6Address ? FAMILY_INET6 : FAMILY_INET)
                .int16(envelope.clientPort())
                .string(address(client))
                .build();
    }

    /** The textual address without a scope suffix ("fe80::1%eth0" → "fe80::1"). */
    private static String address(InetAddress a) {
        String s = a.getHostAddress();
        int percent = s.indexOf('%');
        return percent < 0 ? s : s.substring(0, percent);
    }

    // ---- parsing the filter's words ----

    private static final Pattern REPLY_LINE = Pattern.compile("([45][0-9][0-9])(?:([ -])(?:([245]\\.[0-9]{1,3}\\.[0-9]{1,3})(?: |$))?(.*))?");

    /**
     * SMFIR_REPLYCODE's text: "550 5.7.1 text", possibly several lines ("550-5.7.1 a\r\n550 5.7.1 b").
     * Only 4xx and 5xx codes are allowed; the enhanced code is optional.
     */
    static SmtpReply parseReplyCode(String text) throws MilterException {
        String[] lines = text.strip().split("\r?\n");
        int code = -1;
        Optional<String> enhanced = Optional.empty();
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = REPLY_LINE.matcher(line);
            if (!m.matches()) throw new MilterException("filter sent a malformed reply code");
            int lineCode = Integer.parseInt(m.group(1));
            if (code >= 0 && lineCode != code) throw new MilterException("filter's reply lines disagree on the code");
            code = lineCode;
            String lineText = m.group(4) == null ? "" : m.group(4).strip();
            String enhancedCode = m.group(3);
            if (enhancedCode != null && enhancedCode.charAt(0) - '0' == code / 100) {
                enhanced = Optional.of(enhancedCode);
            } else if (enhancedCode != null) { // of another class than the code: keep it as text
                lineText = (enhancedCode + " " + lineText).strip();
            }
            out.add(lineText);
        }
        if (code < 0) throw new MilterException("filter sent an empty reply code");
        return new SmtpReply(code, enhanced, out);
    }

    private static String describe(byte code) {
        return code >= 33 && code <= 126 ? String.valueOf((char) code) : String.format("0x%02x", code & 0xff);
    }

    /** For log lines: printable ASCII only, at most 200 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }
}
