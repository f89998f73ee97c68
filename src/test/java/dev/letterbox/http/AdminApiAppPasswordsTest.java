package dev.letterbox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.PasswordLogins;
import dev.letterbox.testing.TestServer;
import dev.letterbox.testing.WebClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin API's app-password endpoints, checked by what a mail client then can and cannot do. */
class AdminApiAppPasswordsTest {
    @RegisterExtension
    static final TestServer server = new TestServer();
    static String token;

    final WebClient web = new WebClient(server);

    @BeforeAll
    static void makeToken() throws Exception {
        token = AdminToken.rotate(server.dataDir());
    }

    private HttpResponse<String> call(String method, String path, String json) throws Exception {
        return web.send(method, web.https(path), json, "Authorization", "Bearer " + token, "Content-Type", "application/json");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> r) throws Exception {
        return (Map<String, Object>) Json.parse(r.body());
    }

    @Test
    void createListRequireAndRevoke() throws Exception {
        String user = server.newUser("api");
        String base = "/api/accounts/" + user + "/app-passwords";
        var made = call("POST", base, "{\"name\": \"Phone\", \"protocols\": [\"imap\", \"smtp\"]}");
        assertEquals(201, made.statusCode(), made.body());
        String secret = (String) json(made).get("password");
        assertEquals(List.of("imap", "smtp"), json(made).get("protocols"));
        try (var a = PasswordLogins.login(server, "imap", user, secret)) {
            assertTrue(a.ok(), a.answer());
        }
        try (var a = PasswordLogins.login(server, "pop3", user, secret)) {
            assertFalse(a.ok(), "not made for POP3: " + a.answer());
        }

        var listed = call("GET", base, null);
        assertEquals(200, listed.statusCode());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) json(listed).get("appPasswords");
        assertEquals(1, all.size());
        assertEquals("Phone", all.getFirst().get("name"));
        assertEquals("127.0.0.1", all.getFirst().get("lastIp"));
        assertFalse(listed.body().contains(secret), "the secret is shown once, at creation");

        assertEquals(409, call("POST", base, "{\"name\": \"Phone\"}").statusCode(), "one name once");
        assertEquals(400, call("POST", base, "{\"name\": \"X\", \"protocols\": [\"gopher\"]}").statusCode());

        var required = call("PUT", "/api/accounts/" + user + "/require-app-passwords", "{\"required\": true}");
        assertEquals(200, required.statusCode(), required.body());
        assertEquals(Boolean.TRUE, json(required).get("requireAppPasswords"));
        try (var a = PasswordLogins.login(server, "imap", user, TestServer.PASSWORD)) {
            assertFalse(a.ok(), "the account's password no longer works in mail apps: " + a.answer());
        }

        assertEquals(204, call("DELETE", base + "/Phone", null).statusCode());
        assertEquals(404, call("DELETE", base + "/Phone", null).statusCode());
        try (var a = PasswordLogins.login(server, "imap", user, secret)) {
            assertFalse(a.ok(), "revoked: " + a.answer());
        }
    }
}
