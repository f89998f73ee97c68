package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.auth.AuthResult;
import dev.letterbox.smtp.client.SmtpClient;
import dev.letterbox.store.Account;
import dev.letterbox.store.AccountForwarding;
import dev.letterbox.store.Alias;
import dev.letterbox.store.Protocol;
import dev.letterbox.store.QueuedMessage;
import dev.letterbox.testing.TestServer;
import dev.letterbox.testing.WebClient;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin API over real HTTPS: authentication (no token, wrong token, right token, rotation),
 * then every operation, each checked by its effect in the server's directory, and each refusal by
 * its status and JSON error.
 */
class AdminApiTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static final AtomicInteger SEQ = new AtomicInteger();
    static String token;

    final WebClient web = new WebClient(server);

    @BeforeAll
    static void makeToken() throws Exception {
        // the server makes no token of its own: one it made would have to be shown, and secrets are never logged
        assertFalse(AdminToken.exists(server.dataDir()), "a started server made a token by itself");
        token = AdminToken.rotate(server.dataDir());
    }

    private HttpResponse<String> call(String method, String path, String json) throws Exception {
        return web.send(method, web.https(path), json, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.toString());
        return (Map<String, Object>) Json.parse(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String messagePart) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        String error = (String) json(r).get("error");
        assertTrue(error != null && error.contains(messagePart), "expected an error mentioning '" + messagePart + "': " + r.body());
    }

    private static String domain() {
        return "d" + SEQ.incrementAndGet() + ".admin.test";
    }

    // ---------------------------------------------------------------- authentication

    @Test
    void withoutATokenTheApiAnswers401WithTheBearerChallenge() throws Exception {
        var r = web.get(web.https("/api/domains"));
        assertEquals(401, r.statusCode());
        assertEquals("Bearer realm=\"letterbox admin\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(((String) json(r).get("error")).contains("token"));
        var basic = web.get(web.https("/api/domains"), "Authorization", "Basic YWRtaW46YWRtaW4=");
        assertEquals(401, basic.statusCode());
    }

    @Test
    void aWrongTokenIsRefusedWithInvalidToken() throws Exception {
        var r = web.get(web.https("/api/domains"), "Authorization", "Bearer " + token.substring(1) + "x");
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
        var huge = web.get(web.https("/api/domains"), "Authorization", "Bearer " + "a".repeat(5000));
        assertEquals(401, huge.statusCode());
        var nothingChanged = web.send("POST", web.https("/api/domains"), "{\"name\":\"sneaky.test\"}",
                "Authorization", "Bearer wrong");
        assertEquals(401, nothingChanged.statusCode());
        assertFalse(server.server().directory().hostsDomain("sneaky.test"));
    }

    @Test
    void theRightTokenWorksOverHttpsAndOverPlainHttpFromLoopback() throws Exception {
        assertEquals(200, call("GET", "/api/domains", null).statusCode());
        var plain = web.get(web.http("/api/domains"), "Authorization", "bearer " + token); // scheme is case-insensitive
        assertEquals(200, plain.statusCode(), plain.body());
    }

    @Test
    void rotatingTheTokenRetiresTheOldOneAtOnce() throws Exception {
        String old = token;
        token = AdminToken.rotate(server.dataDir());
        assertEquals(401, web.get(web.https("/api/domains"), "Authorization", "Bearer " + old).statusCode());
        assertEquals(200, call("GET", "/api/domains", null).statusCode());
    }

    @Test
    void aDamagedTokenFileIsAServerErrorWithARequestIdNeverAStackTrace() throws Exception {
        java.nio.file.Files.writeString(server.dataDir().resolve(AdminToken.FILE), "garbage\n");
        try {
            var r = call("GET", "/api/domains", null);
            assertEquals(500, r.statusCode());
            String error = (String) json(r).get("error");
            assertTrue(error.matches("internal error \\(request [a-z0-9]{8}\\)"), error);
        } finally {
            token = AdminToken.rotate(server.dataDir());
        }
        assertEquals(200, call("GET", "/api/domains", null).statusCode());
    }

    // ---------------------------------------------------------------- domains

    @Test
    void domainsAddListGetRemove() throws Exception {
        String d = domain();
        var added = call("POST", "/api/domains", "{\"name\": \"" + d.toUpperCase() + "\"}");
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(d, json(added).get("name"));
        assertTrue(server.server().directory().hostsDomain(d));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) json(call("GET", "/api/domains", null)).get("domains");
        assertTrue(listed.stream().anyMatch(m -> m.get("name").equals(d)));
        assertEquals(d, json(call("GET", "/api/domains/" + d, null)).get("name"));

        assertError(call("POST", "/api/domains", "{\"name\": \"" + d + "\"}"), 409, "already exists");
        assertError(call("POST", "/api/domains", "{\"name\": \"not a domain\"}"), 400, "not a valid domain");
        assertError(call("POST", "/api/domains", "{}"), 400, "\"name\" is required");
        assertError(call("POST", "/api/domains", "{\"name\": 5}"), 400, "must be a string");

        server.server().directory().addAccount("x@" + d, "long enough password".toCharArray(), 0, Protocol.all());
        assertError(call("DELETE", "/api/domains/" + d, null), 409, "still has accounts");
        server.server().directory().removeAccount("x@" + d);
        var removed = call("DELETE", "/api/domains/" + d, null);
        assertEquals(204, removed.statusCode());
        assertFalse(server.server().directory().hostsDomain(d));
        assertError(call("DELETE", "/api/domains/" + d, null), 404, "no domain " + d);
        assertError(call("GET", "/api/domains/" + d, null), 404, "no domain");
    }

    // ---------------------------------------------------------------- accounts

    @Test
    void accountCreatedWithAGeneratedPasswordThatWorks() throws Exception {
        String address = "gen" + SEQ.incrementAndGet() + "@" + TestServer.DOMAIN;
        var r = call("POST", "/api/accounts", "{\"address\": \"" + address + "\", \"quota\": \"2M\", \"protocols\": [\"imap\", \"SMTP\"]}");
        assertEquals(201, r.statusCode(), r.body());
        Map<String, Object> body = json(r);
        String password = (String) body.get("password");
        assertEquals(20, password.length());
        assertEquals(address, body.get("address"));
        assertEquals(2L << 20, body.get("quota"));
        assertEquals(List.of("imap", "smtp"), body.get("protocols"));
        assertEquals(true, body.get("enabled"));

        Account a = server.account(address);
        assertEquals(2L << 20, a.quotaBytes());
        assertEquals(EnumSet.of(Protocol.IMAP, Protocol.SMTP), a.protocols());
        assertTrue(server.server().directory().authenticate(address, password.toCharArray(), Protocol.IMAP) instanceof AuthResult.Success);

        var got = json(call("GET", "/api/accounts/" + address.replace("@", "%40"), null));
        assertFalse(got.containsKey("password"), "a password is shown only when made");
        assertEquals(address, got.get("address"));
    }

    @Test
    void accountWithAGivenPasswordAndEveryChange() throws Exception {
        String address = "acct" + SEQ.incrementAndGet() + "@" + TestServer.DOMAIN;
        var r = call("POST", "/api/accounts", "{\"address\": \"" + address + "\", \"password\": \"first password here\"}");
        assertEquals(201, r.statusCode(), r.body());
        assertFalse(json(r).containsKey("password"));
        assertEquals(Protocol.all(), server.account(address).protocols());
        assertEquals(0, server.account(address).quotaBytes());

        var pw = call("PUT", "/api/accounts/" + address + "/password", "{\"password\": \"second password here\"}");
        assertEquals(204, pw.statusCode());
        assertTrue(server.server().directory().authenticate(address, "second password here".toCharArray(), Protocol.POP3)
                instanceof AuthResult.Success);
        var generated = call("PUT", "/api/accounts/" + address + "/password", null);
        assertEquals(200, generated.statusCode());
        String made = (String) json(generated).get("password");
        assertTrue(server.server().directory().authenticate(address, made.toCharArray(), Protocol.POP3) instanceof AuthResult.Success);
        assertError(call("PUT", "/api/accounts/" + address + "/password", "{\"password\": \"short\"}"), 400, "too short");

        var quota = call("PUT", "/api/accounts/" + address + "/quota", "{\"quota\": 1048576}");
        assertEquals(1048576L, json(quota).get("quota"));
        assertEquals(1048576L, server.account(address).quotaBytes());
        call("PUT", "/api/accounts/" + address + "/quota", "{\"quota\": \"1G\"}");
        assertEquals(1L << 30, server.account(address).quotaBytes());
        assertError(call("PUT", "/api/accounts/" + address + "/quota", "{\"quota\": -1}"), 400, "negative");
        assertError(call("PUT", "/api/accounts/" + address + "/quota", "{\"quota\": \"lots\"}"), 400, "a size");
        var messages = call("PUT", "/api/accounts/" + address + "/quota", "{\"messages\": 5000}");
        assertEquals(5000L, json(messages).get("messageQuota"));
        assertEquals(0L, json(messages).get("messages"));
        assertEquals(5000L, server.account(address).quotaMessages());
        assertEquals(1L << 30, server.account(address).quotaBytes(), "the storage quota stays");
        assertError(call("PUT", "/api/accounts/" + address + "/quota", "{\"messages\": -1}"), 400, "negative");
        assertError(call("PUT", "/api/accounts/" + address + "/quota", "{}"), 400, "required");

        var disabled = call("PUT", "/api/accounts/" + address + "/enabled", "{\"enabled\": false}");
        assertEquals(false, json(disabled).get("enabled"));
        assertFalse(server.account(address).enabled());
        call("PUT", "/api/accounts/" + address + "/enabled", "{\"enabled\": true}");
        assertTrue(server.account(address).enabled());
        assertError(call("PUT", "/api/accounts/" + address + "/enabled", "{\"enabled\": \"yes\"}"), 400, "true or false");

        var protocols = call("PUT", "/api/accounts/" + address + "/protocols", "{\"protocols\": [\"pop3\"]}");
        assertEquals(List.of("pop3"), json(protocols).get("protocols"));
        assertEquals(EnumSet.of(Protocol.POP3), server.account(address).protocols());
        assertError(call("PUT", "/api/accounts/" + address + "/protocols", "{\"protocols\": [\"gopher\"]}"), 400, "gopher");
        call("PUT", "/api/accounts/" + address + "/protocols", "{\"protocols\": []}");
        assertTrue(server.account(address).protocols().isEmpty());

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) json(call("GET", "/api/accounts?domain=" + TestServer.DOMAIN, null)).get("accounts");
        assertTrue(listed.stream().anyMatch(m -> m.get("address").equals(address)));

        assertEquals(204, call("DELETE", "/api/accounts/" + address, null).statusCode());
        assertTrue(server.server().directory().account(address).isEmpty());
        assertError(call("GET", "/api/accounts/" + address, null), 404, "no account");
        assertError(call("PUT", "/api/accounts/" + address + "/quota", "{\"quota\": 1}"), 404, "no account");
    }

    @Test
    void accountRefusalsNameTheProblem() throws Exception {
        String existing = server.newUser("dup");
        assertError(call("POST", "/api/accounts", "{\"address\": \"" + existing + "\", \"password\": \"long enough pw\"}"), 409, "already exists");
        assertError(call("POST", "/api/accounts", "{\"address\": \"a@unhosted.test\", \"password\": \"long enough pw\"}"), 400, "not hosted");
        assertError(call("POST", "/api/accounts", "{\"address\": \"no-at-sign\"}"), 400, "not a valid email address");
        assertError(call("POST", "/api/accounts", "{\"address\": \"a@" + TestServer.DOMAIN + "\", \"quotta\": 5}"), 400, "unknown field \"quotta\"");
        assertError(call("POST", "/api/accounts", "{\"address\": "), 400, "malformed JSON");
        assertError(call("POST", "/api/accounts", "[1]"), 400, "expected a JSON object");
        assertError(call("POST", "/api/accounts", "{\"address\": \"big@" + TestServer.DOMAIN + "\", \"password\": \""
                + "x".repeat(70_000) + "\"}"), 413, "larger than");
        assertError(call("PATCH", "/api/accounts", null), 405, "method not allowed");
        assertEquals("GET, POST", call("PATCH", "/api/accounts", null).headers().firstValue("Allow").orElse(""));
        assertError(call("GET", "/api/nothing", null), 404, "not found");
        assertError(call("GET", "/api/accounts/" + existing + "/bogus", null), 405, "PUT");
        assertError(call("PUT", "/api/accounts/" + existing + "/bogus", "{}"), 404, "not found");
    }

    // ---------------------------------------------------------------- aliases

    @Test
    void aliasesAddListGetRemove() throws Exception {
        String target = server.newUser("target");
        String alias = "alias" + SEQ.incrementAndGet() + "@" + TestServer.DOMAIN;
        var added = call("POST", "/api/aliases", "{\"address\": \"" + alias + "\", \"target\": \"" + target + "\"}");
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(List.of(target), json(added).get("targets"));
        var second = call("POST", "/api/aliases", "{\"address\": \"" + alias + "\", \"target\": \"outside@example.org\"}");
        assertEquals(List.of("outside@example.org", target), json(second).get("targets"));
        assertEquals(Optional.of(new Alias(alias, List.of("outside@example.org", target))),
                server.server().directory().alias(alias));

        assertError(call("POST", "/api/aliases", "{\"address\": \"" + alias + "\", \"target\": \"" + target + "\"}"), 409, "already points");
        assertError(call("POST", "/api/aliases", "{\"address\": \"" + target + "\", \"target\": \"x@example.org\"}"), 409, "is an account");
        assertError(call("POST", "/api/aliases", "{\"address\": \"a@unhosted.test\", \"target\": \"x@example.org\"}"), 400, "not hosted");

        var catchAll = call("POST", "/api/aliases", "{\"address\": \"@" + TestServer.DOMAIN + "\", \"target\": \"" + target + "\"}");
        assertEquals(true, json(catchAll).get("catchAll"));
        assertEquals(true, json(call("GET", "/api/aliases/@" + TestServer.DOMAIN, null)).get("catchAll"));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) json(call("GET", "/api/aliases?domain=" + TestServer.DOMAIN, null)).get("aliases");
        assertTrue(listed.stream().anyMatch(m -> m.get("address").equals(alias)));

        assertEquals(204, call("DELETE", "/api/aliases/" + alias + "?target=outside@example.org", null).statusCode());
        assertEquals(List.of(target), server.server().directory().alias(alias).orElseThrow().targets());
        assertEquals(204, call("DELETE", "/api/aliases/" + alias, null).statusCode());
        assertTrue(server.server().directory().alias(alias).isEmpty());
        assertError(call("DELETE", "/api/aliases/" + alias, null), 404, "no such alias");
        assertError(call("GET", "/api/aliases/" + alias, null), 404, "no such alias");
        assertEquals(204, call("DELETE", "/api/aliases/@" + TestServer.DOMAIN, null).statusCode());
    }

    // ---------------------------------------------------------------- forwarding

    @Test
    void anAccountsForwardingIsSetShownListedAndStopped() throws Exception {
        String user = server.newUser("fwd");
        String path = "/api/accounts/" + user + "/forwarding";
        assertError(call("GET", path, null), 404, "does not forward");
        var set = call("PUT", path, "{\"target\": \"Me@Elsewhere.example\"}");
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(Map.of("address", user, "target", "me@elsewhere.example", "keep", true), json(set), "a copy is kept by default");
        var noKeep = call("PUT", path, "{\"target\": \"me@elsewhere.example\", \"keep\": false}");
        assertEquals(false, json(noKeep).get("keep"));
        assertEquals(Optional.of(new AccountForwarding(user, "me@elsewhere.example", false)),
                server.server().directory().forwarding(user));
        assertEquals(json(noKeep), json(call("GET", path, null)));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) json(call("GET", "/api/forwarding?domain=" + TestServer.DOMAIN,
                null)).get("forwarding");
        assertTrue(listed.stream().anyMatch(m -> m.get("address").equals(user)), listed.toString());

        assertError(call("PUT", path, "{\"target\": \"not an address\"}"), 400, "not a valid email address");
        assertError(call("PUT", path, "{\"target\": \"" + user + "\"}"), 400, "itself");
        assertError(call("PUT", path, "{\"target\": \"x@elsewhere.example\", \"keep\": \"yes\"}"), 400, "keep");
        assertError(call("PUT", "/api/accounts/nobody@" + TestServer.DOMAIN + "/forwarding", "{\"target\": \"x@elsewhere.example\"}"),
                404, "no account");
        assertEquals(204, call("DELETE", path, null).statusCode());
        assertTrue(server.server().directory().forwarding(user).isEmpty());
        assertError(call("DELETE", path, null), 404, "does not forward");
        assertError(call("POST", path, "{}"), 405, "");
    }

    // ---------------------------------------------------------------- shared folders

    @Test
    void anAccountsSharedFoldersAreGivenListedAndTakenAway() throws Exception {
        String owner = server.newUser("sharer");
        String grantee = server.newUser("sharee");
        String path = "/api/accounts/" + owner + "/shares";
        assertEquals(Map.of("shares", List.of()), json(call("GET", path, null)));
        var put = call("PUT", path, "{\"folder\": \"Archive\", \"grantee\": \"" + grantee + "\", \"rights\": \"rl\"}");
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(Map.of("folder", "Archive", "grantee", grantee, "rights", "lr"), json(put));
        assertEquals(Map.of("shares", List.of(Map.of("folder", "Archive", "grantee", grantee, "rights", "lr"))),
                json(call("GET", path, null)));
        assertError(call("PUT", path, "{\"folder\": \"Archive\", \"grantee\": \"" + grantee + "\", \"rights\": \"q\"}"),
                400, "unknown right");
        assertError(call("PUT", path, "{\"folder\": \"Nope\", \"grantee\": \"" + grantee + "\", \"rights\": \"l\"}"),
                404, "no folder");
        assertError(call("PUT", path, "{\"folder\": \"Archive\", \"grantee\": \"nobody@" + TestServer.DOMAIN + "\", \"rights\": \"l\"}"),
                404, "no account");
        assertEquals(200, call("PUT", path, "{\"folder\": \"Archive\", \"grantee\": \"" + grantee + "\", \"rights\": \"\"}").statusCode());
        assertEquals(Map.of("shares", List.of()), json(call("GET", path, null)));
        assertError(call("DELETE", path, null), 405, "");

        String sendAs = "/api/accounts/" + owner + "/send-as";
        assertEquals(Map.of("grantees", List.of()), json(call("GET", sendAs, null)));
        assertEquals(Map.of("grantees", List.of(grantee)), json(call("PUT", sendAs, "{\"grantee\": \"" + grantee + "\", \"allowed\": true}")));
        assertError(call("PUT", sendAs, "{\"grantee\": \"" + owner + "\", \"allowed\": true}"), 400, "itself");
        assertEquals(Map.of("grantees", List.of()), json(call("PUT", sendAs, "{\"grantee\": \"" + grantee + "\", \"allowed\": false}")));

        String onBehalf = "/api/accounts/" + owner + "/send-on-behalf";
        assertEquals(Map.of("grantees", List.of(grantee)), json(call("PUT", onBehalf, "{\"grantee\": \"" + grantee + "\", \"allowed\": true}")));
        assertEquals(Map.of("grantees", List.of()), json(call("GET", sendAs, null)), "not send as");
        assertEquals(Map.of("grantees", List.of(grantee)), json(call("GET", onBehalf, null)));
        var group = call("PUT", path, "{\"folder\": \"Archive\", \"grantee\": \"anyone\", \"rights\": \"l\"}");
        assertEquals(Map.of("folder", "Archive", "grantee", "anyone", "rights", "l"), json(group));
    }

    // ---------------------------------------------------------------- queue

    /** Submits a message for a remote recipient over port 465 with the server's own SMTP client. */
    private static void submitToRemote(String user, String recipient) throws Exception {
        try (SmtpClient c = SmtpClient.connectTls("127.0.0.1", server.port("submissions"), server.clientTls(),
                "mail.example.test", Duration.ofSeconds(10))) {
            assertTrue(c.greeting().isPositive());
            assertTrue(c.ehlo("client.example.org").isPositive());
            assertEquals(235, c.authPlain(user, TestServer.PASSWORD).code());
            byte[] message = ("From: <" + user + ">\r\nTo: <" + recipient + ">\r\nSubject: queued\r\n\r\nhello\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            assertTrue(c.send(SmtpClient.Envelope.of(user, recipient), message).accepted());
            c.quit();
        }
    }

    @Test
    void queueListsMessagesWithTheirRecipientsPageByPage() throws Exception {
        String user = server.newUser("sender");
        submitToRemote(user, "first@remote.example.org");
        submitToRemote(user, "second@remote.example.org");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) json(call("GET", "/api/queue?limit=1000", null)).get("messages");
        List<Map<String, Object>> mine = all.stream().filter(m -> m.get("sender").equals(user)).toList();
        assertEquals(2, mine.size(), all.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> rcpt = ((List<Map<String, Object>>) mine.getFirst().get("recipients")).getFirst();
        assertEquals("first@remote.example.org", rcpt.get("address"));
        assertTrue(List.of("pending", "deferred").contains(rcpt.get("state")), rcpt.toString());

        long id = (Long) mine.getFirst().get("id");
        var one = json(call("GET", "/api/queue/" + id, null));
        assertEquals(id, one.get("id"));
        assertEquals(server.server().store().queue().message(id).orElseThrow().envelope().size(), one.get("size"));

        var page = json(call("GET", "/api/queue?limit=1&after=" + (id - 1), null));
        assertEquals(1, ((List<?>) page.get("messages")).size());
        assertEquals(id, page.get("next"));
        var rest = json(call("GET", "/api/queue?after=" + mine.getLast().get("id"), null));
        assertEquals(null, rest.get("next"));

        assertError(call("GET", "/api/queue/999999999", null), 404, "no queued message");
        assertError(call("GET", "/api/queue/abc", null), 400, "whole number");
        assertError(call("GET", "/api/queue?limit=0", null), 400, "limit");
        assertError(call("POST", "/api/queue", "{}"), 405, "GET");
    }

    @Test
    void queuedMessagesAreRetriedAndDeletedThroughTheApi() throws Exception {
        String user = server.newUser("retry");
        submitToRemote(user, "later@remote.example.org");
        var queue = server.server().store().queue();
        QueuedMessage m = queue.list(0, 10_000).stream().filter(q -> q.envelope().sender().equals(user)).findFirst().orElseThrow();
        long id = m.id();
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        for (var lease : queue.claimDue("test-node", Instant.now().plusSeconds(1), 10_000, Duration.ofMinutes(1))) {
            if (lease.messageId() != id) {
                queue.release(List.of(lease));
                continue;
            }
            queue.record(lease, List.of(new QueuedMessage.Transition.Deferred(m.recipients().getFirst().id(), tomorrow,
                    "451 4.4.2 connection refused", Optional.empty())), dev.letterbox.store.OutboundQueue.AfterWrite.KEEP);
            assertEquals(Map.of("owner", "test-node", "until", lease.until().toString()),
                    json(call("GET", "/api/queue/" + id, null)).get("lease"), "who is working on it");
            queue.release(List.of(lease));
        }
        assertNull(json(call("GET", "/api/queue/" + id, null)).get("lease"));

        var retried = call("POST", "/api/queue/" + id + "/retry", null);
        assertEquals(200, retried.statusCode(), retried.body());
        assertEquals(Map.of("id", id, "recipients", 1L), json(retried));
        Instant next = queue.message(id).orElseThrow().recipients().getFirst().nextAttempt();
        assertTrue(next.isBefore(Instant.now().plusSeconds(1)), "due now, not tomorrow: " + next);
        var all = json(call("POST", "/api/queue/retry", null));
        assertTrue((Long) all.get("recipients") >= 1, all.toString());

        assertEquals(204, call("DELETE", "/api/queue/" + id, null).statusCode());
        assertTrue(queue.message(id).isEmpty());
        assertError(call("GET", "/api/queue/" + id, null), 404, "no queued message " + id);
        assertError(call("DELETE", "/api/queue/" + id, null), 404, "no queued message");
        assertError(call("POST", "/api/queue/" + id + "/retry", null), 404, "no queued message");
        assertError(call("GET", "/api/queue/" + id + "/retry", null), 405, "POST");
        assertError(call("GET", "/api/queue/retry", null), 405, "POST");
        assertError(call("PUT", "/api/queue/" + id, "{}"), 405, "DELETE");
    }

    @Test
    void theApiCanBeTurnedOff() throws Exception {
        TestServer off = new TestServer("[http]\nadmin_api = false\n");
        off.start();
        try {
            String t = AdminToken.rotate(off.dataDir());
            URI uri = URI.create("https://127.0.0.1:" + off.port("https") + "/api/domains");
            var r = new WebClient(off).get(uri, "Authorization", "Bearer " + t);
            assertEquals(404, r.statusCode());
        } finally {
            off.stop();
        }
    }
}
