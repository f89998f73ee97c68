package dev.letterbox.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.letterbox.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SCRAM-SHA-256 with a client we did not write: Python's imaplib and smtplib drive the exchange,
 * scramp (the SCRAM library of the pg8000 PostgreSQL driver) computes it and checks the server's
 * signature (it raises when the server-final message is wrong). Skipped where python3 has no scramp.
 * No client found on this machine speaks SCRAM-SHA-256-PLUS with tls-exporter: curl 7.88 has no
 * SCRAM, sieve-connect's Authen::SASL::Perl none either, and Python's ssl module cannot export
 * keying material; the -PLUS exchange is checked with the tests' own client (ScramLoginTest).
 */
class ScramRealClientTest {
    @RegisterExtension
    static final TestServer server = new TestServer();

    private static final String SCRIPT = """
            import imaplib, smtplib, ssl, sys
            import scramp
            host, imap_port, smtp_port, user, password = sys.argv[1:6]
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE

            def steps(as_text):
                client = scramp.ScramClient(["SCRAM-SHA-256"], user, password)
                state = {"n": 0}
                def step(challenge):
                    n = state["n"]
                    state["n"] += 1
                    if n == 0:
                        out = client.get_client_first()
                    elif n == 1:
                        client.set_server_first(challenge.decode())
                        out = client.get_client_final()
                    else:
                        client.set_server_final(challenge.decode())  # raises on a wrong server signature
                        out = ""
                    return out if as_text else out.encode()
                return step

            imap = imaplib.IMAP4_SSL(host, int(imap_port), ssl_context=ctx)
            typ, _ = imap.authenticate("SCRAM-SHA-256", steps(False))
            print("imap", typ)
            imap.logout()
            smtp = smtplib.SMTP_SSL(host, int(smtp_port), context=ctx)
            smtp.ehlo("client.example.org")
            code, _ = smtp.auth("SCRAM-SHA-256", steps(True), initial_response_ok=False)
            print("smtp", code)
            smtp.quit()
            """;

    private static boolean pythonHasScramp() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import scramp").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void pythonWithScrampLogsInOverImapAndSmtp() throws Exception {
        assumeTrue(pythonHasScramp(), "python3 with scramp is not installed (pip install scramp)");
        String user = server.newUser("python");
        Process p = new ProcessBuilder("python3", "-c", SCRIPT, "127.0.0.1", Integer.toString(server.port("imaps")),
                Integer.toString(server.port("submissions")), user, TestServer.PASSWORD).redirectErrorStream(true).start();
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertEquals("imap OK\nsmtp 235\n", out);
    }
}
