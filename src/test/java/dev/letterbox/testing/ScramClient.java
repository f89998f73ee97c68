package dev.letterbox.testing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802 §3 and §7, RFC 7677), written for the tests apart from
 * the server's code: Hi() is the JDK's PBKDF2WithHmacSHA256, the messages are built here from the
 * RFC's grammar. With a channel binding it is SCRAM-SHA-256-PLUS over {@code tls-exporter} (RFC 9266).
 */
public final class ScramClient {
    private final String user;
    private final String password;
    private final String gs2Header;
    private final byte[] bindingData;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    private ScramClient(String user, String password, String gs2Header, byte[] bindingData) {
        this.user = user;
        this.password = password;
        this.gs2Header = gs2Header;
        this.bindingData = bindingData;
        byte[] n = new byte[18];
        new SecureRandom().nextBytes(n);
        this.clientNonce = Base64.getEncoder().encodeToString(n);
    }

    /** SCRAM-SHA-256 without channel binding ("n,,"). */
    public static ScramClient withoutBinding(String user, String password) {
        return new ScramClient(user, password, "n,,", new byte[0]);
    }

    /** SCRAM-SHA-256-PLUS bound to {@code exporter} ("p=tls-exporter,,"). */
    public static ScramClient bound(String user, String password, byte[] exporter) {
        return new ScramClient(user, password, "p=tls-exporter,,", exporter);
    }

    /** A client that could bind but believes the server cannot ("y,,"), RFC 5802 §6. */
    public static ScramClient couldBind(String user, String password) {
        return new ScramClient(user, password, "y,,", new byte[0]);
    }

    /** RFC 9266: the TLS connection's exporter value, from the client's side. */
    public static byte[] tlsExporter(Socket socket) {
        try {
            ExtendedSSLSession session = (ExtendedSSLSession) ((SSLSocket) socket).getSession();
            // looked up at run time: the tests are compiled for Java 21, the method is JDK 25's
            var handle = MethodHandles.publicLookup().findVirtual(ExtendedSSLSession.class, "exportKeyingMaterialData",
                    MethodType.methodType(byte[].class, String.class, byte[].class, int.class));
            return (byte[]) handle.invoke(session, "EXPORTER-Channel-Binding", new byte[0], 32);
        } catch (Throwable e) {
            throw new AssertionError("cannot export keying material", e);
        }
    }

    public String clientFirst() {
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
        return gs2Header + clientFirstBare;
    }

    /** The client-final message for {@code serverFirst}; remembers the server signature to expect. */
    public String clientFinal(String serverFirst) {
        Map<Character, String> attrs = attributes(serverFirst);
        String nonce = attrs.get('r');
        if (nonce == null || !nonce.startsWith(clientNonce)) throw new AssertionError("server nonce does not extend ours: " + serverFirst);
        byte[] salt = Base64.getDecoder().decode(attrs.get('s'));
        int iterations = Integer.parseInt(attrs.get('i'));
        byte[] cbind = concat(gs2Header.getBytes(StandardCharsets.UTF_8), bindingData);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(cbind) + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] salted = pbkdf2(salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = sha256(clientKey);
        byte[] clientSignature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** True when the server-final message ("v=...") proves the server knew our ServerKey. */
    public boolean serverFinalIsValid(String serverFinal) {
        String v = attributes(serverFinal).get('v');
        return v != null && MessageDigest.isEqual(Base64.getDecoder().decode(v), expectedServerSignature);
    }

    public static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s.strip()), StandardCharsets.UTF_8);
    }

    private static Map<Character, String> attributes(String message) {
        Map<Character, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') out.put(part.charAt(0), part.substring(2));
        }
        return out;
    }

    private byte[] pbkdf2(byte[] salt, int iterations) {
        try {
            var spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
