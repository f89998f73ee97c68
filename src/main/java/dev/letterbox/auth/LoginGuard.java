package dev.letterbox.auth;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.metrics.Metrics;
import dev.letterbox.store.ChangeBus;
import dev.letterbox.store.LoginProtocol;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one way a protocol session checks a password: asks the {@link LoginThrottle} whether and
 * when to check, waits for the account's turn, checks through the {@link Directory}, records the
 * result, waits out the failure delay before answering, counts the check in the metrics and logs
 * refusals; the same for a SCRAM proof ({@link #authenticate}). IMAP, POP3, SMTP and ManageSieve
 * map the {@link LoginOutcome} to their own words, so a change to the limits lands here once.
 *
 * <p>The waits are {@code Thread.sleep} on the session's virtual thread: blocking costs a parked
 * thread, nothing else. A check that waits for its turn still answers within the throttle's bound.
 */
public final class LoginGuard {
    private static final System.Logger LOG = System.getLogger("letterbox.auth");
    public static final String SCRAM = "SCRAM-SHA-256", SCRAM_PLUS = "SCRAM-SHA-256-PLUS";

    private final Directory directory;
    private final LoginThrottle throttle;
    private final Metrics metrics;
    private final Optional<String> defaultDomain;
    private final ChangeBus changes;

    /**
     * {@code defaultDomain}: {@code [auth] default_domain}, the domain of a login name given without
     * one; {@code changes}: the store's change bus, which tells logged-in sessions about changes to
     * their account (see {@link LoginWatch}).
     */
    public LoginGuard(Directory directory, LoginThrottle throttle, Metrics metrics, Optional<String> defaultDomain,
                      ChangeBus changes) {
        this.directory = directory;
        this.throttle = throttle;
        this.metrics = metrics;
        this.defaultDomain = defaultDomain;
        this.changes = changes;
    }

    /** Who is logging in, from where, for what: {@code who} is the session's log prefix. */
    record Attempt(LoginProtocol protocol, InetAddress client, String who) {}

    Directory directory() {
        return directory;
    }

    /**
     * The login name to check: with a default domain, a bare local part ("alice") is that user at
     * the default domain, so that the throttle counts "alice" and "alice@domain" as the same account.
     */
    public String qualify(String username) {
        if (defaultDomain.isEmpty() || username.indexOf('@') >= 0 || username.isEmpty()) return username;
        return username + "@" + defaultDomain.get();
    }

    /** The SASL mechanisms to offer beside PLAIN: SCRAM, and its -PLUS form only where it can bind to TLS. */
    public static List<String> scramMechanisms(boolean channelBinding) {
        return channelBinding ? List.of(SCRAM, SCRAM_PLUS) : List.of(SCRAM);
    }

    /** True for the mechanisms {@link #authenticate} runs. */
    public static boolean isScram(String mechanism) {
        return mechanism.equals(SCRAM) || mechanism.equals(SCRAM_PLUS);
    }

    /**
     * Checks {@code username}'s password (or one of its app passwords) for {@code protocol} from
     * {@code client}; {@code who} is the session's log prefix. Wipes the password in every case,
     * also when interrupted (then the session is being shut down and should end).
     */
    public LoginOutcome login(String username, char[] password, LoginProtocol protocol, InetAddress client, String who)
            throws InterruptedException {
        try {
            String name = qualify(username);
            return check(name, new Attempt(protocol, client, who),
                    () -> directory.authenticate(name, password, protocol, client.getHostAddress()));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Runs a SCRAM exchange ({@link #isScram} mechanisms) over the protocol's {@code channel};
     * {@code tlsExporter}: the connection's RFC 9266 channel binding value, empty without TLS
     * (-PLUS then fails). The proof is checked like a password: same throttle, same outcomes.
     */
    public SaslOutcome authenticate(String mechanism, Optional<byte[]> initialResponse, SaslChannel channel,
                                    Optional<byte[]> tlsExporter, LoginProtocol protocol, InetAddress client, String who)
            throws IOException, InterruptedException {
        if (!isScram(mechanism)) throw new IllegalArgumentException("not a SCRAM mechanism: " + mechanism);
        boolean plus = mechanism.equals(SCRAM_PLUS);
        if (plus && tlsExporter.isEmpty()) return new SaslOutcome.Malformed("SCRAM-SHA-256-PLUS needs TLS");
        return new ScramExchange(plus, tlsExporter).run(this, initialResponse, channel, new Attempt(protocol, client, who));
    }

    /** Admission by the throttle, then {@code authenticate}, then the bookkeeping: the one path of every check. */
    LoginOutcome check(String username, Attempt attempt, Supplier<AuthResult> authenticate) throws InterruptedException {
        return switch (throttle.admit(attempt.client(), username)) {
            case LoginThrottle.Admission.ClientBlocked b -> new LoginOutcome.ClientBlocked();
            case LoginThrottle.Admission.AccountBusy b -> {
                LOG.log(DEBUG, "{0}: login as {1} from {2} turned away: too many failures at this account",
                        attempt.who(), printable(username), attempt.client().getHostAddress());
                yield new LoginOutcome.AccountBusy();
            }
            case LoginThrottle.Admission.Check check -> admitted(check, username, attempt, authenticate);
        };
    }

    /** An admitted check: every way out of here ends it in the throttle. */
    private LoginOutcome admitted(LoginThrottle.Admission.Check check, String username, Attempt attempt,
                                  Supplier<AuthResult> authenticate) throws InterruptedException {
        boolean recorded = false;
        InetAddress client = attempt.client();
        String who = attempt.who();
        try {
            sleep(check.after());
            AuthResult result = authenticate.get();
            metrics.login(attempt.protocol().accountSwitch().name().toLowerCase(Locale.ROOT), result instanceof AuthResult.Success);
            switch (result) {
                case AuthResult.Success ok -> {
                    throttle.recordSuccess(client, username);
                    recorded = true;
                    LoginWatch watch = new LoginWatch(directory, changes, ok.grant());
                    return new LoginOutcome.LoggedIn(ok.account(), watch, ok.serverSignature());
                }
                case AuthResult.BadCredentials bad -> {
                    LOG.log(INFO, "{0}: login failed for {1} from {2}", who, printable(username), client.getHostAddress());
                    LoginThrottle.Failure effect = throttle.recordFailure(client, username);
                    recorded = true;
                    if (effect.clientBlockStarted()) {
                        LOG.log(WARNING, "{0}: {1} blocked after repeated login failures", who, client.getHostAddress());
                    }
                    if (effect.accountDelayStarted()) {
                        LOG.log(WARNING, "{0}: logins as {1} are now spaced out after repeated failures from all addresses",
                                who, printable(username));
                    }
                    sleep(effect.delay());
                    return new LoginOutcome.BadCredentials();
                }
                case AuthResult.AccountDisabled d -> {
                    LOG.log(INFO, "{0}: login refused for {1}: account disabled", who, d.account().address());
                    return new LoginOutcome.AccountDisabled(d.account());
                }
                case AuthResult.ProtocolDisabled d -> {
                    LOG.log(INFO, "{0}: login refused for {1}: {2} not allowed", who, d.account().address(), attempt.protocol());
                    return new LoginOutcome.ProtocolDisabled(d.account());
                }
                case AuthResult.AppPasswordRequired d -> {
                    LOG.log(INFO, "{0}: login refused for {1}: the account takes app passwords only", who, d.account().address());
                    return new LoginOutcome.AppPasswordRequired(d.account());
                }
            }
        } finally {
            if (!recorded) throttle.recordEnd(username);
        }
    }

    /** True while {@code client} is refused outright, for a session that would rather not start the exchange. */
    public boolean isBlocked(InetAddress client) {
        return throttle.isBlocked(client);
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) Thread.sleep(d);
    }

    /** A user name as typed, safe for one log line. */
    private static String printable(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
