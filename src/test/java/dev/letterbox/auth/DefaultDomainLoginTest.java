package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.testing.PasswordLogins;
import dev.letterbox.testing.TestServer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code [auth] default_domain}: a login name without a domain is the user at the default domain,
 * in every protocol; a name with a domain is taken as given, and the bare name of a user at
 * another domain does not log in.
 */
class DefaultDomainLoginTest {
    @RegisterExtension
    static final TestServer server = new TestServer("[auth]\nfailures_before_delay = 50\ndefault_domain = \"" + TestServer.DOMAIN + "\"\n");

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3", "smtp", "managesieve"})
    void aBareLocalPartLogsInAtTheDefaultDomain(String protocol) throws Exception {
        String user = server.newUser("bare-" + protocol);
        String local = user.substring(0, user.indexOf('@'));
        try (var a = PasswordLogins.login(server, protocol, local, TestServer.PASSWORD)) {
            assertTrue(a.ok(), protocol + ": " + a.answer());
        }
        try (var a = PasswordLogins.login(server, protocol, user, TestServer.PASSWORD)) {
            assertTrue(a.ok(), "the full address still works: " + a.answer());
        }
        try (var a = PasswordLogins.login(server, protocol, local, "wrong password")) {
            assertFalse(a.ok(), "a wrong password is still wrong: " + a.answer());
        }
        try (var a = PasswordLogins.login(server, protocol, local + "@other.test", TestServer.PASSWORD)) {
            assertFalse(a.ok(), "another domain is not the default one: " + a.answer());
        }
    }
}
