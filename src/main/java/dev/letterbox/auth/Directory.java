package dev.letterbox.auth;

import dev.letterbox.store.Account;
import dev.letterbox.store.AccountForwarding;
import dev.letterbox.store.AccountScram;
import dev.letterbox.store.AddressLookup;
import dev.letterbox.store.Alias;
import dev.letterbox.store.AppPassword;
import dev.letterbox.store.DirectoryStore;
import dev.letterbox.store.Domain;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.MailboxException;
import dev.letterbox.store.Protocol;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The directory service: the one code path through which the CLI, the admin API and the protocols
 * read and change domains, accounts and aliases. Validates input, hashes passwords, turns store
 * refusals into one-line messages, resolves recipients and authenticates logins.
 */
public final class Directory {
    private static final int MAX_ALIAS_DEPTH = 10;
    private static final char SUBADDRESS_SEPARATOR = '+';
    private static final String PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final DirectoryStore store;
    private final PasswordHasher hasher;
    private final SecureRandom random = new SecureRandom();
    private final Credentials credentials;

    public Directory(DirectoryStore store, PasswordHasher hasher) {
        this.store = store;
        this.hasher = hasher;
        this.credentials = new Credentials(this, store, hasher);
    }

    // ---------------------------------------------------------------- domains

    public Domain addDomain(String name) {
        String domain = Addresses.normalizeDomain(name)
                .orElseThrow(() -> new DirectoryException("'" + name + "' is not a valid domain name"));
        try {
            return store.addDomain(domain);
        } catch (MailboxException e) {
            throw refusal(e, "domain " + domain + " already exists");
        }
    }

    public List<Domain> domains() {
        return store.domains();
    }

    public boolean hostsDomain(String domain) {
        return Addresses.normalizeDomain(domain).flatMap(store::domain).isPresent();
    }

    public void removeDomain(String name) {
        String domain = Addresses.normalizeDomain(name)
                .orElseThrow(() -> new DirectoryException("'" + name + "' is not a valid domain name"));
        try {
            store.removeDomain(domain);
        } catch (MailboxException e) {
            if (e.reason() == MailboxException.Reason.NOT_FOUND) {
                throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, "no domain " + domain);
            }
            throw refusal(e, "domain " + domain + " still has accounts; remove them first");
        }
    }

    // ---------------------------------------------------------------- accounts

    public Account addAccount(String address, char[] password, long quotaBytes, Set<Protocol> protocols) {
        String normal = validAddress(address);
        if (store.domain(Addresses.domainOf(normal)).isEmpty()) {
            throw new DirectoryException("domain " + Addresses.domainOf(normal) + " is not hosted here; add it first with: letterbox domain add " + Addresses.domainOf(normal));
        }
        if (store.alias(normal).isPresent()) {
            throw new DirectoryException(DirectoryException.Kind.CONFLICT, normal + " is already an alias");
        }
        checkPassword(password);
        if (quotaBytes < 0) throw new DirectoryException("quota must not be negative");
        Account account;
        String hash = hasher.hash(password);
        try {
            account = store.addAccount(normal, hash, quotaBytes, protocols);
        } catch (MailboxException e) {
            throw refusal(e, "account " + normal + " already exists");
        }
        credentials.setPassword(account.id(), hash, password);
        return account;
    }

    /** A new random password of 20 characters from an unambiguous alphabet (~115 bits). */
    public char[] generatePassword() {
        return randomPassword();
    }

    char[] randomPassword() {
        char[] pw = new char[20];
        for (int i = 0; i < pw.length; i++) pw[i] = PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length()));
        return pw;
    }

    public Optional<Account> account(String address) {
        return Addresses.normalize(address).flatMap(store::account);
    }

    public Account requireAccount(String address) {
        return account(address).orElseThrow(() -> new DirectoryException(DirectoryException.Kind.NOT_FOUND, "no account " + address));
    }

    public List<Account> accounts(Optional<String> domain) {
        return store.accounts(domain.map(d -> Addresses.normalizeDomain(d)
                .orElseThrow(() -> new DirectoryException("'" + d + "' is not a valid domain name"))));
    }

    public void setPassword(String address, char[] password) {
        checkPassword(password);
        credentials.setPassword(requireAccount(address).id(), hasher.hash(password), password);
    }

    public void setEnabled(String address, boolean enabled) {
        store.setEnabled(requireAccount(address).id(), enabled);
    }

    public void setQuota(String address, long quotaBytes) {
        if (quotaBytes < 0) throw new DirectoryException("quota must not be negative");
        store.setQuota(requireAccount(address).id(), quotaBytes);
    }

    /** The most messages the account may hold, 0 = unlimited. */
    public void setMessageQuota(String address, long messages) {
        if (messages < 0) throw new DirectoryException("quota must not be negative");
        store.setMessageQuota(requireAccount(address).id(), messages);
    }

    public void setProtocols(String address, Set<Protocol> protocols) {
        store.setProtocols(requireAccount(address).id(), protocols);
    }

    public void removeAccount(String address) {
        store.removeAccount(requireAccount(address).id());
    }

    // ---------------------------------------------------------------- forwarding

    /**
     * Forwards all mail of the account {@code address} to {@code target} (replacing an earlier
     * forwarding); {@code keepCopy}: also store it in the account.
     */
    public AccountForwarding setForwarding(String address, String target, boolean keepCopy) {
        Account account = requireAccount(address);
        String to = validAddress(target);
        if (to.equals(account.address())) throw new DirectoryException("an account cannot forward to itself");
        store.setForwarding(account.id(), to, keepCopy);
        return new AccountForwarding(account.address(), to, keepCopy);
    }

    public void removeForwarding(String address) {
        Account account = requireAccount(address);
        try {
            store.removeForwarding(account.id());
        } catch (MailboxException e) {
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, account.address() + " does not forward its mail");
        }
    }

    public Optional<AccountForwarding> forwarding(String address) {
        return store.forwarding(requireAccount(address).id());
    }

    public List<AccountForwarding> forwardings(Optional<String> domain) {
        return store.forwardings(domain.map(d -> Addresses.normalizeDomain(d)
                .orElseThrow(() -> new DirectoryException("'" + d + "' is not a valid domain name"))));
    }

    // ---------------------------------------------------------------- aliases

    public void addAlias(String address, String target) {
        String key = Addresses.normalizeAliasKey(address)
                .orElseThrow(() -> new DirectoryException("'" + address + "' is not a valid address or @domain"));
        String to = validAddress(target);
        String domain = key.startsWith("@") ? key.substring(1) : Addresses.domainOf(key);
        if (store.domain(domain).isEmpty()) throw new DirectoryException("domain " + domain + " is not hosted here");
        if (!key.startsWith("@") && store.account(key).isPresent()) {
            throw new DirectoryException(DirectoryException.Kind.CONFLICT, key + " is an account; an alias cannot shadow it");
        }
        if (key.equals(to)) throw new DirectoryException("an alias cannot point to itself");
        try {
            store.addAlias(key, to);
        } catch (MailboxException e) {
            throw refusal(e, key + " already points to " + to);
        }
    }

    public void removeAlias(String address, Optional<String> target) {
        String key = Addresses.normalizeAliasKey(address)
                .orElseThrow(() -> new DirectoryException("'" + address + "' is not a valid address or @domain"));
        try {
            store.removeAlias(key, target.map(this::validAddress));
        } catch (MailboxException e) {
            String what = "no such alias " + key + target.map(t -> " -> " + t).orElse("");
            if (e.reason() == MailboxException.Reason.NOT_FOUND) throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, what);
            throw refusal(e, what);
        }
    }

    /** The alias (an address, or "@domain" for a catch-all) with its targets; empty when there is none. */
    public Optional<Alias> alias(String address) {
        return Addresses.normalizeAliasKey(address).flatMap(store::alias);
    }

    public List<Alias> aliases(Optional<String> domain) {
        return store.aliases(domain.map(d -> Addresses.normalizeDomain(d)
                .orElseThrow(() -> new DirectoryException("'" + d + "' is not a valid domain name"))));
    }

    // ---------------------------------------------------------------- mail routing

    /**
     * Expands an address: account, then exact alias, then {@code local+tag} subaddress, then the
     * domain's catch-all. Alias targets and the target of an account that forwards are expanded
     * again (up to a depth, loops cut); an account that forwards without keeping a copy gets none.
     */
    public Recipient resolve(String address) {
        Optional<String> normal = Addresses.normalize(address);
        if (normal.isEmpty()) return new Recipient.Invalid();
        Map<Long, Account> accounts = new LinkedHashMap<>();
        Set<String> forwards = new LinkedHashSet<>();
        Set<String> seen = new LinkedHashSet<>();
        Set<String> remote = new java.util.HashSet<>();
        Deque<String[]> work = new ArrayDeque<>(); // {address, depth}
        work.add(new String[] {normal.get(), "0"});
        boolean found = false;
        while (!work.isEmpty()) {
            String[] item = work.poll();
            String addr = item[0];
            int depth = Integer.parseInt(item[1]);
            if (!seen.add(addr) || depth > MAX_ALIAS_DEPTH) continue;
            // domain and account in one read: a read is a database round trip (none for a domain
            // already seen to be remote: an alias may forward to many addresses there)
            String addrDomain = Addresses.domainOf(addr);
            AddressLookup here = remote.contains(addrDomain) ? AddressLookup.NOT_HOSTED : store.lookup(addr);
            if (!here.domainHosted()) {
                if (depth == 0) return new Recipient.NotLocal(addrDomain);
                remote.add(addrDomain);
                forwards.add(addr);
                found = true;
                continue;
            }
            Optional<Account> account = here.account();
            if (account.isPresent()) {
                found = true;
                Optional<AccountForwarding> forward = store.forwarding(account.get().id());
                if (forward.isPresent()) {
                    work.add(new String[] {forward.get().target(), Integer.toString(depth + 1)});
                    if (!forward.get().keepCopy()) continue;
                }
                accounts.putIfAbsent(account.get().id(), account.get());
                continue;
            }
            List<String> targets = targetsOf(addr);
            if (!targets.isEmpty()) found = true;
            for (String t : targets) work.add(new String[] {t, Integer.toString(depth + 1)});
        }
        if (!found || (accounts.isEmpty() && forwards.isEmpty())) return new Recipient.UnknownUser();
        return new Recipient.Deliverable(List.copyOf(accounts.values()), List.copyOf(forwards));
    }

    /** Alias targets of a local address: exact alias, else the unsubaddressed form, else the catch-all. */
    private List<String> targetsOf(String addr) {
        Optional<Alias> exact = store.alias(addr);
        if (exact.isPresent()) return exact.get().targets();
        String local = Addresses.localPartOf(addr);
        int plus = local.indexOf(SUBADDRESS_SEPARATOR);
        if (plus > 0) return List.of(local.substring(0, plus) + "@" + Addresses.domainOf(addr));
        return store.alias("@" + Addresses.domainOf(addr)).map(Alias::targets).orElse(List.of());
    }

    /** The addresses that deliver to this account (itself and every alias pointing at it, directly). */
    public List<String> addressesOf(Account account) {
        List<String> out = new ArrayList<>();
        out.add(account.address());
        for (Alias alias : store.aliases(Optional.of(Addresses.domainOf(account.address())))) {
            if (!alias.isCatchAll() && alias.targets().contains(account.address())) out.add(alias.address());
        }
        return out;
    }

    /**
     * The envelope senders the account may submit with: the addresses that deliver to it, and those
     * of every account that lets it "send as" that account ({@code sendAsOwners}, shared mailboxes).
     */
    public List<String> sendableAddressesOf(Account account, List<Account> sendAsOwners) {
        List<String> out = addressesOf(account);
        for (Account owner : sendAsOwners) if (owner.enabled()) out.addAll(addressesOf(owner));
        return out;
    }

    // ---------------------------------------------------------------- login

    /** A password login for {@code protocol}'s account switch, as the CLI and tests check one (no client address). */
    public AuthResult authenticate(String username, char[] password, Protocol protocol) {
        LoginProtocol as = switch (protocol) {
            case IMAP -> LoginProtocol.IMAP;
            case POP3 -> LoginProtocol.POP3;
            case SMTP -> LoginProtocol.SMTP;
        };
        return credentials.authenticate(username, password, as, "");
    }

    /**
     * Checks a password login (the account's password or one of its app passwords) for
     * {@code protocol} from {@code clientIp}. Takes the same time for unknown users as for wrong passwords.
     */
    public AuthResult authenticate(String username, char[] password, LoginProtocol protocol, String clientIp) {
        return credentials.authenticate(username, password, protocol, clientIp);
    }

    /** SCRAM's server-first data for {@code username}: its account's salt, or a stable made-up one. */
    public AccountScram scramSalt(String username) {
        return credentials.scramSalt(username);
    }

    /** Checks a SCRAM client proof (RFC 5802 §3) against the account's password and app passwords. */
    public AuthResult authenticateScram(String username, byte[] authMessage, byte[] proof, LoginProtocol protocol,
                                        String clientIp) {
        return credentials.authenticateScram(username, authMessage, proof, protocol, clientIp);
    }

    /** Whether a session's credential still admits it: re-read from the store (see {@link LoginWatch}). */
    public boolean stillValid(LoginGrant grant) {
        return credentials.stillValid(grant);
    }

    // ---------------------------------------------------------------- app passwords

    /** A new app password for the account; its secret is in the answer only. */
    public CreatedAppPassword addAppPassword(String address, String name, Set<LoginProtocol> protocols) {
        return credentials.addAppPassword(requireAccount(address), name, protocols);
    }

    public List<AppPassword> appPasswords(String address) {
        return store.appPasswords(requireAccount(address).id());
    }

    /** Revokes it at once, also in sessions logged in with it (on every node). */
    public void revokeAppPassword(String address, String name) {
        Account account = requireAccount(address);
        try {
            store.removeAppPassword(account.id(), name);
        } catch (MailboxException e) {
            throw new DirectoryException(DirectoryException.Kind.NOT_FOUND, account.address() + " has no app password named '" + name + "'");
        }
    }

    /** With {@code required}, the mail protocols take only app passwords; the password stays for the web and admin. */
    public void setRequireAppPasswords(String address, boolean required) {
        store.setRequireAppPasswords(requireAccount(address).id(), required);
    }

    // ---------------------------------------------------------------- helpers

    private String validAddress(String address) {
        return Addresses.normalize(address)
                .orElseThrow(() -> new DirectoryException("'" + address + "' is not a valid email address"));
    }

    private static void checkPassword(char[] password) {
        if (password.length < 8) throw new DirectoryException("password too short: use at least 8 characters");
        if (password.length > 1024) throw new DirectoryException("password too long");
        for (char c : password) {
            if (c < ' ' || c == 0x7f) throw new DirectoryException("password must not contain control characters");
        }
    }

    private static DirectoryException refusal(MailboxException e, String duplicateMessage) {
        return switch (e.reason()) {
            case DUPLICATE, ALREADY_EXISTS, NOT_ALLOWED -> new DirectoryException(DirectoryException.Kind.CONFLICT, duplicateMessage);
            case NOT_FOUND, NONEXISTENT -> new DirectoryException(DirectoryException.Kind.NOT_FOUND, e.getMessage());
            default -> new DirectoryException(e.getMessage());
        };
    }
}
