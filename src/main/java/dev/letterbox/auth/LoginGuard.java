package dev.letterbox.auth;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.metrics.Metrics;
import dev.letterbox.store.Protocol;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The one way a protocol session checks a password: asks the {@link LoginThrottle} whether and
 * when to check, waits for the account's turn, checks through the {@link Directory}, records the
 * result, waits out the failure delay before answering, counts the check in the metrics and logs
 * refusals. IMAP, POP3 and SMTP map the {@link LoginOutcome} to their own words, so a change to the
 * limits lands here once.
 *
 * <p>The waits are {@code Thread.sleep} on the session's virtual thread: blocking costs a parked
 * thread, nothing else. A check that waits for its turn still answers within the throttle's bound.
 */
public final class LoginGuard {
    private static final System.Logger LOG = System.getLogger("letterbox.auth");

    private final Directory directory;
    private final LoginThrottle throttle;
    private final Metrics metrics;
    private final Optional<String> defaultDomain;

    public LoginGuard(Directory directory, LoginThrottle throttle, Metrics metrics) {
        this(directory, throttle, metrics, Optional.empty());
    }

    /** {@code defaultDomain}: {@code [auth] default_domain}, the domain of a login name given without one. */
    public LoginGuard(Directory directory, LoginThrottle throttle, Metrics metrics, Optional<String> defaultDomain) {
        this.directory = directory;
        this.throttle = throttle;
        this.metrics = metrics;
        this.defaultDomain = defaultDomain;
    }

    /**
     * The login name to check: with a default domain, a bare local part ("alice") is that user at
     * the default domain, so that the throttle counts "alice" and "alice@domain" as the same account.
     */
    public String qualify(String username) {
        if (defaultDomain.isEmpty() || username.indexOf('@') >= 0 || username.isEmpty()) return username;
        return username + "@" + defaultDomain.get();
    }

    /**
     * Checks {@code username}'s password for {@code protocol} from {@code client}; {@code who} is
     * the session's log prefix. Wipes the password in every case, also when interrupted (then the
     * session is being shut down and should end).
     */
    public LoginOutcome login(String username, char[] password, Protocol protocol, InetAddress client, String who)
            throws InterruptedException {
        username = qualify(username);
        try {
            return switch (throttle.admit(client, username)) {
                case LoginThrottle.Admission.ClientBlocked b -> new LoginOutcome.ClientBlocked();
                case LoginThrottle.Admission.AccountBusy b -> {
                    LOG.log(DEBUG, "{0}: login as {1} from {2} turned away: too many failures at this account",
                            who, printable(username), client.getHostAddress());
                    yield new LoginOutcome.AccountBusy();
                }
                case LoginThrottle.Admission.Check check -> check(check, username, password, protocol, client, who);
            };
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** An admitted check: every way out of here ends it in the throttle. */
    private LoginOutcome check(LoginThrottle.Admission.Check check, String username, char[] password, Protocol protocol,
                               InetAddress client, String who) throws InterruptedException {
        boolean recorded = false;
        try {
            sleep(check.after());
            AuthResult result = directory.authenticate(username, password, protocol);
            metrics.login(protocol.name().toLowerCase(Locale.ROOT), result instanceof AuthResult.Success);
            switch (result) {
                case AuthResult.Success ok -> {
                    throttle.recordSuccess(client, username);
                    recorded = true;
                    return new LoginOutcome.LoggedIn(ok.account());
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
                    LOG.log(INFO, "{0}: login refused for {1}: {2} disabled", who, d.account().address(), protocol);
                    return new LoginOutcome.ProtocolDisabled(d.account());
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
