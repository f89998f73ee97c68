package dev.letterbox.auth;

import static java.lang.System.Logger.Level.WARNING;

import dev.letterbox.store.Account;
import dev.letterbox.store.AccountScram;
import dev.letterbox.store.AppPassword;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The credentials of an account and their checks, for {@link Directory}: the password (Argon2id
 * hash, plus SCRAM keys), app passwords (SHA-256 of the generated secret, plus SCRAM keys), and
 * whether a session's credential still holds.
 *
 * <p>App passwords are random (about 115 bits), so a fast hash of one cannot be reversed; that
 * lets a password login compare the given password with all of an account's app passwords in
 * microseconds before paying for the slow hash of the account's own password.
 *
 * <p>All credentials of an account share one SCRAM salt: the server must name the salt before it
 * knows which credential the client holds, and then checks the client's proof against each
 * StoredKey (an HMAC and a hash each).
 */
final class Credentials {
    private static final System.Logger LOG = System.getLogger("letterbox.auth");
    /** A login with an app password updates its "last used" at most this often (per address). */
    private static final Duration LAST_USED_STEP = Duration.ofMinutes(1);
    private static final int MAX_NAME_LENGTH = 64;
    private static final byte[] NO_SIGNATURE = new byte[0];

    private final Directory directory;
    private final DirectoryStore store;
    private final PasswordHasher hasher;
    private final SecureRandom random = new SecureRandom();
    /** Made-up salts for unknown names are HMACs under this key: stable, and saying nothing. */
    private final byte[] fakeSaltKey = new byte[32];

    Credentials(Directory directory, DirectoryStore store, PasswordHasher hasher) {
        this.directory = directory;
        this.store = store;
        this.hasher = hasher;
        random.nextBytes(fakeSaltKey);
    }

    // ---------------------------------------------------------------- setting

    /** Stores a new password's hash with its SCRAM keys. Leaves {@code password} as it is. */
    void setPassword(long accountId, String hash, char[] password) {
        AccountScram scram = store.ensureScramSalt(accountId, newSalt(), Scram.ITERATIONS);
        store.setPassword(accountId, hash, Scram.keys(password, scram.salt(), scram.iterations()));
    }

    CreatedAppPassword addAppPassword(Account account, String name, Set<LoginProtocol> protocols) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty()) throw new DirectoryException("an app password needs a name, such as \"Phone\"");
        if (clean.length() > MAX_NAME_LENGTH) throw new DirectoryException("app password name too long (at most " + MAX_NAME_LENGTH + ")");
        for (char c : clean.toCharArray()) {
            if (c < ' ' || c == 0x7f) throw new DirectoryException("app password name must not contain control characters");
        }
        if (protocols.isEmpty()) throw new DirectoryException("an app password needs at least one protocol");
        char[] secret = directory.randomPassword();
        try {
            AccountScram scram = store.ensureScramSalt(account.id(), newSalt(), Scram.ITERATIONS);
            AppPassword app = store.addAppPassword(account.id(), clean, protocols, secretHash(secret),
                    Scram.keys(secret, scram.salt(), scram.iterations()));
            return new CreatedAppPassword(app, new String(secret));
        } catch (MailboxException e) {
            if (e.reason() == MailboxException.Reason.DUPLICATE) {
                throw new DirectoryException(DirectoryException.Kind.CONFLICT, account.address() + " already has an app password named '" + clean + "'");
            }
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, e.getMessage());
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    // ---------------------------------------------------------------- checking

    AuthResult authenticate(String username, char[] password, LoginProtocol protocol, String clientIp) {
        try {
            Optional<Account> found = directory.account(username);
            if (found.isEmpty()) {
                hasher.verifyDecoy(password);
                return new AuthResult.BadCredentials();
            }
            Account account = found.get();
            List<AppPassword> apps = store.appPasswords(account.id());
            if (!apps.isEmpty()) {
                byte[] given = secretHash(password).getBytes(StandardCharsets.US_ASCII);
                for (AppPassword app : apps) {
                    if (MessageDigest.isEqual(given, app.secretHash().getBytes(StandardCharsets.US_ASCII))) {
                        return appPasswordAccess(account, app, protocol, clientIp, NO_SIGNATURE);
                    }
                }
            }
            Optional<String> hash = store.passwordHash(account.id());
            if (hash.isEmpty()) {
                hasher.verifyDecoy(password);
                return new AuthResult.BadCredentials();
            }
            if (!hasher.verify(password, hash.get())) return new AuthResult.BadCredentials();
            addMissingScramKeys(account.id(), hash.get(), password);
            return passwordAccess(account, hash.get(), protocol, NO_SIGNATURE);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The account's salt when it has SCRAM keys of any credential; otherwise a made-up one, stable per name. */
    AccountScram scramSalt(String username) {
        Optional<AccountScram> real = directory.account(username).flatMap(a -> store.scram(a.id()));
        if (real.isPresent()) return new AccountScram(real.get().salt(), real.get().iterations(), Optional.empty());
        byte[] fake = Arrays.copyOf(Scram.hmac(fakeSaltKey, username.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)),
                Scram.SALT_BYTES);
        return new AccountScram(fake, Scram.ITERATIONS, Optional.empty());
    }

    AuthResult authenticateScram(String username, byte[] authMessage, byte[] proof, LoginProtocol protocol, String clientIp) {
        Optional<Account> found = directory.account(username);
        if (found.isEmpty()) return new AuthResult.BadCredentials();
        Account account = found.get();
        Optional<AccountScram> scram = store.scram(account.id());
        if (scram.isEmpty()) return new AuthResult.BadCredentials();
        for (AppPassword app : store.appPasswords(account.id())) {
            if (Scram.proofMatches(app.scram(), authMessage, proof)) {
                return appPasswordAccess(account, app, protocol, clientIp, Scram.serverSignature(app.scram(), authMessage));
            }
        }
        if (scram.get().password().isPresent() && Scram.proofMatches(scram.get().password().get(), authMessage, proof)) {
            Optional<String> hash = store.passwordHash(account.id());
            if (hash.isEmpty()) return new AuthResult.BadCredentials();
            return passwordAccess(account, hash.get(), protocol, Scram.serverSignature(scram.get().password().get(), authMessage));
        }
        return new AuthResult.BadCredentials();
    }

    boolean stillValid(LoginGrant grant) {
        Optional<Account> found = store.account(grant.accountId());
        if (found.isEmpty()) return false;
        Account account = found.get();
        if (!account.enabled() || !account.protocols().contains(grant.protocol().accountSwitch())) return false;
        if (grant.viaAppPassword()) {
            return store.appPasswords(account.id()).stream()
                    .anyMatch(p -> p.id() == grant.appPasswordId() && p.protocols().contains(grant.protocol()));
        }
        if (account.requireAppPasswords()) return false;
        return store.passwordHash(account.id()).map(grant.passwordHash()::equals).orElse(false);
    }

    private AuthResult passwordAccess(Account account, String hash, LoginProtocol protocol, byte[] signature) {
        if (!account.enabled()) return new AuthResult.AccountDisabled(account);
        if (!account.protocols().contains(protocol.accountSwitch())) return new AuthResult.ProtocolDisabled(account);
        if (account.requireAppPasswords()) return new AuthResult.AppPasswordRequired(account);
        return new AuthResult.Success(account, LoginGrant.password(account.id(), hash, protocol), signature);
    }

    private AuthResult appPasswordAccess(Account account, AppPassword app, LoginProtocol protocol, String clientIp,
                                         byte[] signature) {
        if (!account.enabled()) return new AuthResult.AccountDisabled(account);
        if (!account.protocols().contains(protocol.accountSwitch()) || !app.protocols().contains(protocol)) {
            return new AuthResult.ProtocolDisabled(account);
        }
        recordUse(app, clientIp);
        return new AuthResult.Success(account, LoginGrant.appPassword(account.id(), app.id(), protocol), signature);
    }

    /** "Last used" for the list; a failure to write it never fails the login. */
    private void recordUse(AppPassword app, String clientIp) {
        if (clientIp.isEmpty()) return;
        Instant now = Instant.now();
        boolean recent = app.lastUsed().isPresent() && app.lastUsed().get().plus(LAST_USED_STEP).isAfter(now);
        if (recent && app.lastIp().map(clientIp::equals).orElse(false)) return;
        try {
            store.appPasswordUsed(app.id(), now, clientIp);
        } catch (StoreException e) {
            LOG.log(WARNING, "cannot record the use of an app password: {0}", e.toString());
        }
    }

    /** An account from before SCRAM gets its password's keys at its first password login since. */
    private void addMissingScramKeys(long accountId, String hash, char[] password) {
        try {
            Optional<AccountScram> scram = store.scram(accountId);
            if (scram.isPresent() && scram.get().password().isPresent()) return;
            AccountScram salt = scram.orElseGet(() -> store.ensureScramSalt(accountId, newSalt(), Scram.ITERATIONS));
            store.addPasswordScramKeys(accountId, hash, Scram.keys(password, salt.salt(), salt.iterations()));
        } catch (StoreException e) {
            LOG.log(WARNING, "cannot store SCRAM keys for account {0}: {1}", accountId, e.toString());
        }
    }

    private byte[] newSalt() {
        byte[] salt = new byte[Scram.SALT_BYTES];
        random.nextBytes(salt);
        return salt;
    }

    /** SHA-256 of the UTF-8 secret, in hex: how an app password is stored. */
    static String secretHash(char[] secret) {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(secret));
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        if (buf.hasArray()) Arrays.fill(buf.array(), (byte) 0);
        try {
            return HexFormat.of().formatHex(Scram.sha256(bytes));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
