package dev.letterbox.migrate;

import dev.letterbox.archive.ArchiveException;
import dev.letterbox.archive.Importer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** One run of copying an account from another IMAP server, through the {@link Importer}. */
public final class ImapMigration {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Importer importer;

    public ImapMigration(Importer importer) {
        this.importer = importer;
    }

    /** Where to copy from: {@code imaps://USER@HOST[:PORT]} (TLS) or {@code imap://…} (STARTTLS). */
    public record Source(String user, String host, int port, boolean implicitTls) {
        /**
         * Parses the URL by hand: the user is usually an address, and "user@domain@host" is no URI
         * (the last '@' ends the user; "%40" works too).
         */
        public static Source parse(String url) {
            int colon = url.indexOf("://");
            String scheme = colon < 0 ? "" : url.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            if (!scheme.equals("imaps") && !scheme.equals("imap")) throw new IllegalArgumentException("imaps:// or imap:// expected");
            String authority = url.substring(colon + 3);
            if (authority.endsWith("/")) authority = authority.substring(0, authority.length() - 1);
            int at = authority.lastIndexOf('@');
            if (at <= 0 || authority.indexOf('/') >= 0) throw new IllegalArgumentException("USER@HOST[:PORT] expected");
            String user = URLDecoder.decode(authority.substring(0, at), StandardCharsets.UTF_8);
            if (user.contains(":")) throw new IllegalArgumentException("no password in the URL: use --password-file or --password-stdin");
            boolean tls = scheme.equals("imaps");
            URI hostPort = URI.create("//" + authority.substring(at + 1));
            if (hostPort.getHost() == null) throw new IllegalArgumentException("USER@HOST[:PORT] expected");
            return new Source(user, hostPort.getHost(), hostPort.getPort() > 0 ? hostPort.getPort() : tls ? 993 : 143, tls);
        }

        /** The source as the journal and messages name it (never with a password). */
        public String display() {
            return (implicitTls ? "imaps://" : "imap://") + user + "@" + host + ":" + port;
        }
    }

    public Importer.Result run(Source source, String password, boolean anyCertificate, boolean restart, List<String> warnings)
            throws IOException, ArchiveException {
        ImapClient client = ImapClient.connect(source.host(), source.port(), source.implicitTls(), anyCertificate, TIMEOUT);
        try (ImapSource archive = new ImapSource(client, warnings)) {
            client.login(source.user(), password);
            return importer.run(archive, importer.journalFile(source.display()), source.display(), restart, true);
        } finally {
            client.close();
        }
    }
}
