package dev.letterbox.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DKIM keys on disk: {@code DIR/DOMAIN/SELECTOR.pem}, each holding the PKCS#8 private key and the
 * public key as two PEM blocks (the public half of an Ed25519 key cannot be derived portably).
 * Files are written atomically with mode 0600. Read on each use, so a key added with the CLI while
 * the server runs is used at once.
 */
public final class DkimKeyStore {
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final Path dir;

    public DkimKeyStore(Path dataDir) {
        this.dir = dataDir.resolve("dkim");
    }

    /** Generates and stores a new key; refuses to overwrite an existing selector. */
    public DkimKey generate(String domain, String selector, DkimAlgorithm algorithm) throws IOException {
        String sel = selector.toLowerCase(Locale.ROOT);
        if (!SELECTOR.matcher(sel).matches()) throw new IllegalArgumentException("'" + selector + "' is not a valid selector");
        KeyPair pair;
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm.jcaKey);
            if (algorithm == DkimAlgorithm.RSA_SHA256) gen.initialize(2048);
            pair = gen.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm.tag + " key", e);
        }
        Path domainDir = dir.resolve(domain);
        Files.createDirectories(domainDir);
        Path target = domainDir.resolve(sel + ".pem");
        if (Files.exists(target)) throw new FileAlreadyExistsException(target + " (selector " + sel + " exists for " + domain + ")");
        String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        Path tmp = Files.createTempFile(domainDir, ".key", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the directory's permissions have to do
        }
        Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
        return new DkimKey(domain, sel, algorithm, pair.getPrivate(), pair.getPublic());
    }

    /** The keys of a domain, ordered by selector (empty when none). */
    public List<DkimKey> keys(String domain) throws IOException {
        Path domainDir = dir.resolve(domain);
        List<DkimKey> out = new ArrayList<>();
        if (!Files.isDirectory(domainDir)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(domainDir, "*.pem")) {
            for (Path f : files) out.add(load(domain, f));
        }
        out.sort((a, b) -> a.selector().compareTo(b.selector()));
        return out;
    }

    /** Domains that have at least one key. */
    public List<String> domains() throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path d : dirs) out.add(d.getFileName().toString());
        }
        out.sort(null);
        return out;
    }

    private static DkimKey load(String domain, Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] priv = null, pub = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("PRIVATE KEY")) priv = der;
            else if (m.group(1).equals("PUBLIC KEY")) pub = der;
        }
        if (priv == null || pub == null) throw new IOException(file + ": expected a PRIVATE KEY and a PUBLIC KEY block");
        String selector = file.getFileName().toString().replaceFirst("\\.pem$", "");
        for (DkimAlgorithm algorithm : DkimAlgorithm.values()) {
            try {
                KeyFactory kf = KeyFactory.getInstance(algorithm.jcaKey);
                PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(priv));
                PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(pub));
                return new DkimKey(domain, selector, algorithm, privateKey, publicKey);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new IOException(file + ": neither an RSA nor an Ed25519 key");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
