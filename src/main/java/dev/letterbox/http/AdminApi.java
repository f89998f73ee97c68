package dev.letterbox.http;

import static java.lang.System.Logger.Level.INFO;

import dev.letterbox.auth.Addresses;
import dev.letterbox.auth.Directory;
import dev.letterbox.auth.DirectoryException;
import dev.letterbox.auth.MailboxSharing;
import dev.letterbox.metrics.Metrics;
import dev.letterbox.queue.MailQueue;
import dev.letterbox.auth.CreatedAppPassword;
import dev.letterbox.store.Account;
import dev.letterbox.store.AppPassword;
import dev.letterbox.store.LoginProtocol;
import dev.letterbox.store.AccountForwarding;
import dev.letterbox.store.Alias;
import dev.letterbox.store.Domain;
import dev.letterbox.store.Protocol;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admin REST API under {@code /api/}: domains, accounts (and their forwarding and shared folders), aliases and
 * (read-only) the outbound queue, JSON in and out. Every
 * change goes through {@link Directory}, the same code path and validation as the CLI; its
 * refusals become {@code {"error": "..."}} with 400 (invalid), 404 (no such thing) or 409
 * (conflict).
 *
 * <p>Authentication: {@code Authorization: Bearer TOKEN} with the token of {@link AdminToken}
 * (401 without or with a wrong one, RFC 6750 §3). Over plain HTTP the API answers only clients on
 * this machine (loopback), so the token never crosses a network in clear text.
 */
final class AdminApi implements Handler {
    private static final System.Logger LOG = System.getLogger("letterbox.http");
    private static final String REALM = "Bearer realm=\"letterbox admin\"";

    private final Directory directory;
    private final QueueEndpoints queue;
    private final Path dataDir;
    private final Metrics metrics;
    private final MailboxSharing sharing;

    AdminApi(Directory directory, MailboxSharing sharing, MailQueue queue, Path dataDir, Metrics metrics) {
        this.directory = directory;
        this.sharing = sharing;
        this.queue = new QueueEndpoints(queue);
        this.dataDir = dataDir;
        this.metrics = metrics;
    }

    @Override
    public Response handle(Request request) throws IOException {
        authenticate(request);
        List<String> s = request.segments().subList(1, request.segments().size()); // after "api"
        try {
            if (s.isEmpty()) throw HttpError.notFound();
            return switch (s.getFirst()) {
                case "domains" -> domains(request, s);
                case "accounts" -> accounts(request, s);
                case "aliases" -> aliases(request, s);
                case "forwarding" -> forwardings(request, s);
                case "queue" -> queue.handle(request, s);
                default -> throw HttpError.notFound();
            };
        } catch (DirectoryException e) {
            throw new HttpError(switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
            }, e.getMessage());
        } catch (IllegalArgumentException e) { // Protocol.parseList: unknown protocol name
            throw new HttpError(400, e.getMessage());
        }
    }

    private void authenticate(Request request) {
        if (!request.secure() && !request.remoteAddress().isLoopbackAddress()) {
            throw new HttpError(403, "the admin API needs HTTPS (plain HTTP is answered for this machine only)");
        }
        String presented = request.bearerToken().orElseThrow(() -> new HttpError(401,
                "an admin token is needed: Authorization: Bearer TOKEN", Map.of("WWW-Authenticate", REALM)));
        boolean ok = AdminToken.matches(dataDir, presented);
        metrics.login("http", ok);
        if (!ok) {
            LOG.log(INFO, "http " + request.id() + ": admin API: wrong token from " + request.remoteAddress().getHostAddress());
            throw new HttpError(401, "wrong admin token", Map.of("WWW-Authenticate", REALM + ", error=\"invalid_token\""));
        }
    }

    // ---------------------------------------------------------------- domains

    private Response domains(Request r, List<String> s) throws IOException {
        if (s.size() == 1) {
            return switch (r.method()) {
                case "GET" -> Response.json(200, Json.obj("domains", directory.domains().stream().map(AdminApi::domainJson).toList()));
                case "POST" -> {
                    JsonFields f = JsonFields.parse(r.bodyText(), "name");
                    Domain d = directory.addDomain(f.requiredString("name"));
                    audit(r, "added domain " + d.name());
                    yield Response.json(201, domainJson(d));
                }
                default -> throw HttpError.methodNotAllowed("GET, POST");
            };
        }
        if (s.size() != 2) throw HttpError.notFound();
        String name = s.get(1);
        return switch (r.method()) {
            case "GET" -> {
                String normal = Addresses.normalizeDomain(name).orElseThrow(() -> new HttpError(404, "no domain " + name));
                yield Response.json(200, domainJson(directory.domains().stream().filter(d -> d.name().equals(normal))
                        .findFirst().orElseThrow(() -> new HttpError(404, "no domain " + name))));
            }
            case "DELETE" -> {
                directory.removeDomain(name);
                audit(r, "removed domain " + name);
                yield Response.noContent();
            }
            default -> throw HttpError.methodNotAllowed("GET, DELETE");
        };
    }

    // ---------------------------------------------------------------- accounts

    private Response accounts(Request r, List<String> s) throws IOException {
        if (s.size() == 1) {
            return switch (r.method()) {
                case "GET" -> Response.json(200, Json.obj("accounts",
                        directory.accounts(r.param("domain")).stream().map(AdminApi::accountJson).toList()));
                case "POST" -> createAccount(r);
                default -> throw HttpError.methodNotAllowed("GET, POST");
            };
        }
        String address = s.get(1);
        if (s.size() == 2) {
            return switch (r.method()) {
                case "GET" -> Response.json(200, accountJson(directory.requireAccount(address)));
                case "DELETE" -> {
                    directory.removeAccount(address);
                    audit(r, "removed account " + address);
                    yield Response.noContent();
                }
                default -> throw HttpError.methodNotAllowed("GET, DELETE");
            };
        }
        if (s.get(2).equals("app-passwords")) return appPasswords(r, address, s.subList(3, s.size()));
        if (s.size() != 3) throw HttpError.notFound();
        if (s.get(2).equals("forwarding")) return forwarding(r, address);
        if (s.get(2).equals("shares")) return shares(r, address);
        if (s.get(2).equals("send-as")) return sendAs(r, address, false);
        if (s.get(2).equals("send-on-behalf")) return sendAs(r, address, true);
        if (!r.method().equals("PUT")) throw HttpError.methodNotAllowed("PUT");
        return switch (s.get(2)) {
            case "password" -> setPassword(r, address);
            case "quota" -> {
                JsonFields f = JsonFields.parse(r.bodyText(), "quota", "messages");
                Optional<Long> bytes = f.size("quota");
                Optional<Long> messages = f.count("messages");
                if (bytes.isEmpty() && messages.isEmpty()) throw new HttpError(400, "field \"quota\" or \"messages\" is required");
                bytes.ifPresent(q -> directory.setQuota(address, q));
                messages.ifPresent(n -> directory.setMessageQuota(address, n));
                audit(r, "set the quota of " + address);
                yield Response.json(200, accountJson(directory.requireAccount(address)));
            }
            case "enabled" -> {
                boolean enabled = JsonFields.parse(r.bodyText(), "enabled").requiredBoolean("enabled");
                directory.setEnabled(address, enabled);
                audit(r, (enabled ? "enabled " : "disabled ") + address);
                yield Response.json(200, accountJson(directory.requireAccount(address)));
            }
            case "require-app-passwords" -> {
                boolean required = JsonFields.parse(r.bodyText(), "required").requiredBoolean("required");
                directory.setRequireAppPasswords(address, required);
                audit(r, (required ? "required app passwords for " : "allowed the password again for ") + address);
                yield Response.json(200, accountJson(directory.requireAccount(address)));
            }
            case "protocols" -> {
                List<String> names = JsonFields.parse(r.bodyText(), "protocols").strings("protocols")
                        .orElseThrow(() -> new HttpError(400, "field \"protocols\" is required"));
                directory.setProtocols(address, protocols(names));
                audit(r, "set the protocols of " + address);
                yield Response.json(200, accountJson(directory.requireAccount(address)));
            }
            default -> throw HttpError.notFound();
        };
    }

    /** POST /api/accounts: the password is generated (and returned this once) when none is given. */
    private Response createAccount(Request r) throws IOException {
        JsonFields f = JsonFields.parse(r.bodyText(), "address", "password", "quota", "messages", "protocols");
        String address = f.requiredString("address");
        Optional<String> given = f.string("password");
        char[] password = given.map(String::toCharArray).orElseGet(directory::generatePassword);
        String generated = given.isPresent() ? null : new String(password);
        Set<Protocol> allowed = f.strings("protocols").map(AdminApi::protocols).orElse(Protocol.all());
        long messages = f.count("messages").orElse(0L);
        if (messages < 0) throw new HttpError(400, "field \"messages\" must not be negative");
        Account a = directory.addAccount(address, password, f.size("quota").orElse(0L), allowed);
        if (messages > 0) {
            directory.setMessageQuota(a.address(), messages);
            a = directory.requireAccount(a.address());
        }
        audit(r, "added account " + a.address());
        Map<String, Object> body = new LinkedHashMap<>(accountJson(a));
        if (generated != null) body.put("password", generated);
        return Response.json(201, body);
    }

    private Response setPassword(Request r, String address) throws IOException {
        Optional<String> given = JsonFields.parse(r.bodyText(), "password").string("password");
        directory.requireAccount(address);
        char[] password = given.map(String::toCharArray).orElseGet(directory::generatePassword);
        String generated = given.isPresent() ? null : new String(password);
        directory.setPassword(address, password);
        audit(r, "changed the password of " + address);
        return generated == null ? Response.noContent() : Response.json(200, Json.obj("password", generated));
    }

    private static Set<Protocol> protocols(List<String> names) {
        return Protocol.parseList(String.join(",", names));
    }

    // ---------------------------------------------------------------- shared folders

    /**
     * /api/accounts/OWNER/shares: GET the grants the account has given; PUT {"folder": F,
     * "grantee": G, "rights": "lrs"} gives G exactly those rights on F ("" takes them away).
     */
    private Response shares(Request r, String owner) throws IOException {
        return switch (r.method()) {
            case "GET" -> Response.json(200, Json.obj("shares", sharing.grantsBy(owner).stream()
                    .map(g -> Json.obj("folder", g.mailbox().name(), "grantee", g.grantee(), "rights", g.rights().toString()))
                    .toList()));
            case "PUT" -> {
                JsonFields f = JsonFields.parse(r.bodyText(), "folder", "grantee", "rights");
                String folder = f.requiredString("folder"), grantee = f.requiredString("grantee");
                String rights = sharing.share(owner, folder, grantee, f.requiredString("rights")).toString();
                audit(r, "shared " + owner + " " + folder + " with " + grantee + ": \"" + rights + "\"");
                yield Response.json(200, Json.obj("folder", folder, "grantee", grantee, "rights", rights));
            }
            default -> throw HttpError.methodNotAllowed("GET, PUT");
        };
    }

    /**
     * /api/accounts/OWNER/send-as (or /send-on-behalf when {@code onBehalf}): GET who may send as (on
     * behalf of) it; PUT {"grantee": G, "allowed": true|false}.
     */
    private Response sendAs(Request r, String owner, boolean onBehalf) throws IOException {
        return switch (r.method()) {
            case "GET" -> Response.json(200, Json.obj("grantees", sendGrantees(owner, onBehalf)));
            case "PUT" -> {
                JsonFields f = JsonFields.parse(r.bodyText(), "grantee", "allowed");
                String grantee = f.requiredString("grantee");
                boolean allowed = f.requiredBoolean("allowed");
                if (onBehalf) sharing.sendOnBehalf(owner, grantee, allowed); else sharing.sendAs(owner, grantee, allowed);
                audit(r, (allowed ? "let " : "no longer lets ") + grantee + (onBehalf ? " send on behalf of " : " send as ") + owner);
                yield Response.json(200, Json.obj("grantees", sendGrantees(owner, onBehalf)));
            }
            default -> throw HttpError.methodNotAllowed("GET, PUT");
        };
    }

    private List<String> sendGrantees(String owner, boolean onBehalf) {
        return onBehalf ? sharing.sendOnBehalfGrantees(owner) : sharing.sendAsGrantees(owner);
    }

    // ---------------------------------------------------------------- app passwords

    /**
     * /api/accounts/ADDRESS/app-passwords: GET the list, POST {"name", "protocols"?} to create one
     * (its password is in this answer only); /app-passwords/NAME: DELETE revokes it at once.
     */
    private Response appPasswords(Request r, String address, List<String> rest) throws IOException {
        if (rest.isEmpty()) {
            return switch (r.method()) {
                case "GET" -> Response.json(200, Json.obj("appPasswords",
                        directory.appPasswords(address).stream().map(AdminApi::appPasswordJson).toList()));
                case "POST" -> {
                    JsonFields f = JsonFields.parse(r.bodyText(), "name", "protocols");
                    Set<LoginProtocol> allowed = f.strings("protocols")
                            .map(names -> LoginProtocol.parseList(String.join(",", names))).orElse(LoginProtocol.all());
                    CreatedAppPassword made = directory.addAppPassword(address, f.requiredString("name"), allowed);
                    audit(r, "added app password '" + made.appPassword().name() + "' for " + address);
                    Map<String, Object> body = new LinkedHashMap<>(appPasswordJson(made.appPassword()));
                    body.put("password", made.secret());
                    yield Response.json(201, body);
                }
                default -> throw HttpError.methodNotAllowed("GET, POST");
            };
        }
        if (rest.size() != 1) throw HttpError.notFound();
        if (!r.method().equals("DELETE")) throw HttpError.methodNotAllowed("DELETE");
        directory.revokeAppPassword(address, rest.getFirst());
        audit(r, "revoked app password '" + rest.getFirst() + "' of " + address);
        return Response.noContent();
    }

    private static Map<String, Object> appPasswordJson(AppPassword p) {
        List<Object> protocols = new ArrayList<>();
        for (LoginProtocol lp : p.protocols()) protocols.add(lp.lowerName());
        return Json.obj("name", p.name(), "protocols", protocols, "created", p.created().toString(),
                "lastUsed", p.lastUsed().map(Object::toString).orElse(null), "lastIp", p.lastIp().orElse(null));
    }

    // ---------------------------------------------------------------- forwarding

    /** GET /api/forwarding[?domain=D]: the accounts that forward their mail. */
    private Response forwardings(Request r, List<String> s) {
        if (s.size() != 1) throw HttpError.notFound();
        if (!r.method().equals("GET")) throw HttpError.methodNotAllowed("GET");
        return Response.json(200, Json.obj("forwarding",
                directory.forwardings(r.param("domain")).stream().map(AdminApi::forwardingJson).toList()));
    }

    /** /api/accounts/ADDRESS/forwarding: GET it, PUT {"target": ..., "keep": true|false} (keep by default), DELETE it. */
    private Response forwarding(Request r, String address) throws IOException {
        return switch (r.method()) {
            case "GET" -> Response.json(200, forwardingJson(directory.forwarding(address)
                    .orElseThrow(() -> new HttpError(404, address + " does not forward its mail"))));
            case "PUT" -> {
                JsonFields f = JsonFields.parse(r.bodyText(), "target", "keep");
                AccountForwarding set = directory.setForwarding(address, f.requiredString("target"), f.bool("keep").orElse(true));
                audit(r, "set the forwarding of " + set.address() + " -> " + set.target() + (set.keepCopy() ? " (keeping a copy)" : ""));
                yield Response.json(200, forwardingJson(set));
            }
            case "DELETE" -> {
                directory.removeForwarding(address);
                audit(r, "stopped the forwarding of " + address);
                yield Response.noContent();
            }
            default -> throw HttpError.methodNotAllowed("GET, PUT, DELETE");
        };
    }

    // ---------------------------------------------------------------- aliases

    private Response aliases(Request r, List<String> s) throws IOException {
        if (s.size() == 1) {
            return switch (r.method()) {
                case "GET" -> Response.json(200, Json.obj("aliases",
                        directory.aliases(r.param("domain")).stream().map(AdminApi::aliasJson).toList()));
                case "POST" -> {
                    JsonFields f = JsonFields.parse(r.bodyText(), "address", "target");
                    String address = f.requiredString("address");
                    directory.addAlias(address, f.requiredString("target"));
                    audit(r, "added alias " + address + " -> " + f.requiredString("target"));
                    yield Response.json(201, aliasJson(alias(address)));
                }
                default -> throw HttpError.methodNotAllowed("GET, POST");
            };
        }
        if (s.size() != 2) throw HttpError.notFound();
        String address = s.get(1);
        return switch (r.method()) {
            case "GET" -> Response.json(200, aliasJson(alias(address)));
            case "DELETE" -> {
                Optional<String> target = r.param("target");
                directory.removeAlias(address, target);
                audit(r, "removed alias " + address + target.map(t -> " -> " + t).orElse(""));
                yield Response.noContent();
            }
            default -> throw HttpError.methodNotAllowed("GET, DELETE");
        };
    }

    private Alias alias(String address) {
        return directory.alias(address).orElseThrow(() -> new HttpError(404, "no such alias " + address));
    }

    // ---------------------------------------------------------------- JSON forms

    private static Map<String, Object> domainJson(Domain d) {
        return Json.obj("name", d.name(), "created", d.created().toString());
    }

    private static Map<String, Object> accountJson(Account a) {
        List<Object> protocols = new ArrayList<>();
        for (Protocol p : a.protocols()) protocols.add(p.name().toLowerCase(Locale.ROOT));
        return Json.obj("address", a.address(), "enabled", a.enabled(), "quota", a.quotaBytes(),
                "used", a.usedBytes(), "messageQuota", a.quotaMessages(), "messages", a.usedMessages(), "protocols", protocols, "created", a.created().toString(),
                "requireAppPasswords", a.requireAppPasswords());
    }

    private static Map<String, Object> forwardingJson(AccountForwarding f) {
        return Json.obj("address", f.address(), "target", f.target(), "keep", f.keepCopy());
    }

    private static Map<String, Object> aliasJson(Alias a) {
        return Json.obj("address", a.address(), "targets", a.targets(), "catchAll", a.isCatchAll());
    }

    private static void audit(Request r, String what) {
        LOG.log(INFO, "http " + r.id() + ": admin API (" + r.remoteAddress().getHostAddress() + "): " + what);
    }
}
