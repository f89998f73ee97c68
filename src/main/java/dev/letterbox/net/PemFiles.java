package dev.letterbox.net;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads and writes the PEM files operators hand us: certificate chains, and private keys as
 * PKCS#8 ("BEGIN PRIVATE KEY") or the traditional OpenSSL forms ("BEGIN RSA/EC PRIVATE KEY").
 * Errors name the file and say what was expected.
 */
public final class PemFiles {
    private PemFiles() {}

    /** Every certificate in the file, leaf first as PEM chains are written. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException | PEMException e) {
            throw new IOException("cannot read certificate " + file + ": " + SocketConnection.describe(e), e);
        }
        if (chain.isEmpty()) {
            throw new IOException("no certificate in " + file + " (expected -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /** The first private key in the file; EC parameter blocks before it are skipped. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof PrivateKeyInfo pkcs8) {
                    return converter.getPrivateKey(pkcs8);
                }
                if (item instanceof PEMKeyPair traditional) {
                    // the public half is optional in "EC PRIVATE KEY": take only the private one
                    return converter.getPrivateKey(traditional.getPrivateKeyInfo());
                }
                if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("private key " + file + " is encrypted; store it unencrypted "
                            + "(readable only by the server's user): openssl pkey -in " + file + " -out key.pem");
                }
            }
        } catch (PEMException e) {
            throw new IOException("cannot read private key " + file + ": " + SocketConnection.describe(e), e);
        }
        throw new IOException("no private key in " + file
                + " (expected -----BEGIN PRIVATE KEY----- or -----BEGIN RSA/EC PRIVATE KEY-----)");
    }

    public static String encode(Object pemObject) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(pemObject);
        }
        return text.toString();
    }

    public static String encodePkcs8(PrivateKey key) throws IOException {
        return encode(new JcaPKCS8Generator(key, null).generate());
    }

    /**
     * Replaces {@code target} atomically: readers see the old file or the new one, never a torn
     * write. A secret file is created readable by its owner only, before any byte is written.
     */
    public static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp;
        if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            temp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        }
        try {
            Files.writeString(temp, content, StandardCharsets.US_ASCII);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
