package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.letterbox.testing.LineClient;
import dev.letterbox.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw IMAP client for transcript tests: sends exact command text and collects the untagged
 * responses up to the tagged one. A response line ending in a literal {n} is joined with the
 * literal's bytes and the rest of the response, so one untagged response is one string.
 */
final class ImapTestClient implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("~?\\{(\\d+)}$");
    final LineClient raw;

    private ImapTestClient(LineClient raw) {
        this.raw = raw;
    }

    /** Over implicit TLS (imaps), greeting read. */
    static ImapTestClient connect(TestServer server) throws IOException {
        ImapTestClient c = new ImapTestClient(server.connectTls("imaps"));
        assertTrue(c.readResponse().startsWith("* OK "), "greeting");
        return c;
    }

    static ImapTestClient login(TestServer server, String user) throws IOException {
        ImapTestClient c = connect(server);
        c.run("L0 LOGIN \"" + user + "\" \"" + TestServer.PASSWORD + "\"").ok();
        return c;
    }

    /** One whole response (with literals joined in), or null at end of stream. */
    String readResponse() throws IOException {
        String line = raw.readLine();
        if (line == null) return null;
        StringBuilder sb = new StringBuilder(line);
        Matcher m = LITERAL.matcher(line);
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            byte[] data = raw.readBytes(n);
            sb.append("\r\n").append(new String(data, StandardCharsets.UTF_8));
            String rest = raw.readLine();
            assertNotNull(rest, "stream ended after a literal");
            sb.append(rest);
            m = LITERAL.matcher(rest);
        }
        return sb.toString();
    }

    /** Sends "TAG ..." and reads up to the tagged response. */
    Response run(String command) throws IOException {
        String tag = command.substring(0, command.indexOf(' '));
        raw.send(command);
        return collect(tag);
    }

    Response collect(String tag) throws IOException {
        List<String> untagged = new ArrayList<>();
        while (true) {
            String r = readResponse();
            if (r == null) fail("connection closed before the tagged response to " + tag + "; got " + untagged);
            if (r.startsWith(tag + " ")) return new Response(tag, untagged, r);
            untagged.add(r);
        }
    }

    /** Sends a command whose answer has one literal (e.g. FETCH n BODY.PEEK[]) and returns its exact octets. */
    byte[] literalOf(String command) throws IOException {
        String tag = command.substring(0, command.indexOf(' '));
        raw.send(command);
        String line = raw.readLine();
        Matcher m = LITERAL.matcher(line);
        assertTrue(m.find(), "expected a literal in: " + line);
        byte[] data = raw.readBytes(Integer.parseInt(m.group(1)));
        raw.readLine(); // the rest of the response
        collect(tag).ok();
        return data;
    }

    ImapTestClient send(String line) throws IOException {
        raw.send(line);
        return this;
    }

    String expectLine(String exact) throws IOException {
        String r = readResponse();
        assertEquals(exact, r);
        return r;
    }

    String expectPrefix(String prefix) throws IOException {
        String r = readResponse();
        assertTrue(r != null && r.startsWith(prefix), "expected '" + prefix + "...' but got: " + r);
        return r;
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    record Response(String tag, List<String> untagged, String tagged) {
        Response ok() {
            assertTrue(tagged.startsWith(tag + " OK"), "expected OK, got: " + tagged + " after " + untagged);
            return this;
        }

        Response no() {
            assertTrue(tagged.startsWith(tag + " NO"), "expected NO, got: " + tagged);
            return this;
        }

        Response bad() {
            assertTrue(tagged.startsWith(tag + " BAD"), "expected BAD, got: " + tagged);
            return this;
        }

        /** The tagged response carries this response code (or one starting so: "APPENDUID" matches "APPENDUID 5 1"). */
        Response code(String code) {
            int open = tagged.indexOf(" [");
            boolean found = open == tag.length() + 3 || open == tag.length() + 4;
            String rest = found ? tagged.substring(open + 2) : "";
            found &= rest.startsWith(code + "]") || rest.startsWith(code + " ");
            assertTrue(found, "expected [" + code + "] in: " + tagged);
            return this;
        }

        Response has(String untaggedLine) {
            assertTrue(untagged.contains(untaggedLine), "expected '" + untaggedLine + "' among " + untagged);
            return this;
        }

        Response lacks(String prefix) {
            for (String u : untagged) assertTrue(!u.startsWith(prefix), "did not expect '" + u + "' in " + untagged);
            return this;
        }

        /** The untagged responses starting with the prefix. */
        List<String> starting(String prefix) {
            List<String> out = new ArrayList<>();
            for (String u : untagged) if (u.startsWith(prefix)) out.add(u);
            return out;
        }

        /** The one untagged response starting with the prefix. */
        String one(String prefix) {
            List<String> all = starting(prefix);
            assertEquals(1, all.size(), "expected exactly one '" + prefix + "' in " + untagged);
            return all.get(0);
        }
    }
}
