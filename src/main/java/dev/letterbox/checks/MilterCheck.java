package dev.letterbox.checks;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.config.Config;
import dev.letterbox.delivery.Check;
import dev.letterbox.delivery.Envelope;
import dev.letterbox.delivery.HeaderEdit;
import dev.letterbox.delivery.Recipients;
import dev.letterbox.delivery.SpooledMessage;
import dev.letterbox.delivery.Verdict;
import dev.letterbox.milter.HeaderChange;
import dev.letterbox.milter.HeaderEditor;
import dev.letterbox.milter.MilterClient;
import dev.letterbox.milter.MilterEnvelope;
import dev.letterbox.milter.MilterVerdict;
import dev.letterbox.milter.SpamHeader;
import dev.letterbox.milter.VirusSymbols;
import dev.letterbox.smtp.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A filter the operator runs (rspamd, clamav-milter, ...) asked about each message from the
 * Internet with the milter protocol, once the message is in. Its answer is honoured: accept,
 * reject, tempfail, discard, quarantine (Junk), and changes to the header section. A message it
 * marks as spam goes to Junk. When it cannot be asked, the configured default applies: 451, or take
 * the message unfiltered.
 *
 * <p>Per-recipient refusals a filter gives at RCPT cannot be told to the client any more (one reply
 * answers the whole message): they are logged and the message goes to everyone.
 */
public final class MilterCheck implements Check {
    private static final System.Logger LOG = System.getLogger("letterbox.checks");

    private final MilterClient client;
    private final Config.Milter config;
    private final SpamHeader spamHeader;
    private final VirusSymbols virusSymbols;
    private final ClientFilter filter;
    private final String hostname;

    public MilterCheck(Config.Milter config, ClientFilter filter, String hostname) {
        this.client = new MilterClient(config.address(), config.timeout());
        this.config = config;
        this.spamHeader = SpamHeader.parse(config.spamHeader());
        this.virusSymbols = VirusSymbols.of(config.virusSymbols());
        this.filter = filter;
        this.hostname = hostname;
    }

    @Override
    public Run start(Envelope envelope, Recipients recipients) {
        if (!filter.checks(envelope)) return null;
        return new Run() {
            @Override
            public Verdict finish(SpooledMessage message) {
                return verdict(envelope, recipients, message);
            }

            @Override
            public boolean blocksInFinish() {
                return true; // the whole message goes to the filter and its answer is awaited
            }
        };
    }

    private Verdict verdict(Envelope envelope, Recipients recipients, SpooledMessage message) {
        Envelope.Client c = envelope.client().orElseThrow();
        MilterEnvelope.Builder b = MilterEnvelope.builder(envelope.sender(), recipients.written())
                .client(c.address(), 0, null)
                .server(null, hostname, "smtp")
                .helo(c.helo())
                .queueId(c.id());
        c.tls().ifPresent(tls -> {
            int space = tls.indexOf(' ');
            b.tls(space < 0 ? tls : tls.substring(0, space), space < 0 ? null : tls.substring(space + 1));
        });
        MilterVerdict answer;
        try (InputStream in = message.open()) {
            answer = client.check(b.build(), in);
        } catch (IOException e) {
            answer = new MilterVerdict.Failed("cannot read the message: " + e.getMessage());
        }
        return scanned(answer, envelope.logContext());
    }

    private Verdict map(MilterVerdict answer, String logContext) {
        String who = "filter " + config.address();
        return switch (answer) {
            case MilterVerdict.Reject r -> Verdict.reject(enhanced(r.reply(), "5.7.1"), text(r.reply(), "refused by " + who));
            case MilterVerdict.TempFail t -> Verdict.tempfail(enhanced(t.reply(), "4.7.1"), text(t.reply(), who + " asks to try again later"));
            case MilterVerdict.Discard d -> Verdict.discard(who + " discarded it");
            case MilterVerdict.Failed f -> {
                LOG.log(WARNING, "{0}: {1} failed: {2}; {3}", logContext, who, f.reason(),
                        config.acceptOnFailure() ? "taking the message unfiltered" : "asking the sender to retry");
                yield config.acceptOnFailure() ? Verdict.accept(List.of())
                        : Verdict.tempfail("4.7.1", "cannot filter the message right now; try again later");
            }
            case MilterVerdict.Accept a -> changed(a.changes(), logContext,
                    answer.markedAsSpam(spamHeader) ? Verdict.junk(who + " marked it as spam", List.of()) : Verdict.accept(List.of()));
            case MilterVerdict.Quarantine q -> changed(q.changes(), logContext,
                    Verdict.junk(who + " quarantined it" + (q.reason().isEmpty() ? "" : ": " + q.reason()), List.of()));
        };
    }

    /** The filter's answer with what it says about viruses (Sieve's virustest); not tested when it failed. */
    private Verdict scanned(MilterVerdict answer, String logContext) {
        Verdict verdict = map(answer, logContext);
        return switch (answer) {
            case MilterVerdict.Accept a -> verdict.withVirusLevel(virusSymbols.level(a.changes().headers()));
            case MilterVerdict.Quarantine q -> verdict.withVirusLevel(virusSymbols.level(q.changes().headers()));
            default -> verdict;
        };
    }

    private static Verdict changed(MilterVerdict.Changes changes, String logContext, Verdict verdict) {
        for (String ignored : changes.ignored()) LOG.log(INFO, "{0}: filter request not carried out: {1}", logContext, ignored);
        for (MilterVerdict.RefusedRecipient r : changes.refusedRecipients()) {
            LOG.log(WARNING, "{0}: filter refused recipient {1} ({2}) after the message was in; delivered anyway",
                    logContext, r.recipient(), r.reply());
        }
        List<HeaderChange> headers = changes.headers();
        if (headers.isEmpty()) return verdict;
        HeaderEdit edit = section -> HeaderEditor.rewrite(section, headers);
        return verdict.withEdits(List.of(edit));
    }

    private static String enhanced(SmtpReply reply, String fallback) {
        return reply.enhanced().orElse(fallback);
    }

    private static String text(SmtpReply reply, String fallback) {
        String t = String.join(" ", reply.lines()).strip();
        return t.isEmpty() ? fallback : t;
    }
}
