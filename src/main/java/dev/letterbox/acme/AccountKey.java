package dev.letterbox.acme;

import dev.letterbox.http.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ACME account's key (ECDSA P-256) and what RFC 8555 builds from it: the JWK (RFC 7517), its
 * thumbprint (RFC 7638) for key authorizations, and JWS signatures (RFC 7515, ES256, flattened JSON).
 */
final class AccountKey {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;

    AccountKey(KeyPair keys) {
        this.keys = keys;
    }

    KeyPair keyPair() {
        return keys;
    }

    /** The public key as a JWK, members in the order RFC 7638 hashes them. */
    Map<String, Object> jwk() {
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("crv", "P-256");
        jwk.put("kty", "EC");
        jwk.put("x", b64(unsigned(pub.getW().getAffineX())));
        jwk.put("y", b64(unsigned(pub.getW().getAffineY())));
        return jwk;
    }

    /** RFC 7638: base64url(SHA-256(the JWK's required members, sorted, no white space)). */
    String thumbprint() {
        try {
            byte[] json = Json.write(jwk()).getBytes(StandardCharsets.UTF_8);
            return b64(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 8555 §8.1: token "." thumbprint. */
    String keyAuthorization(String token) {
        return token + "." + thumbprint();
    }

    /**
     * A JWS for {@code url}: with the account's URL as "kid" once there is one (null: the "jwk"
     * itself, for newAccount); {@code payload} null for POST-as-GET (an empty payload).
     */
    String sign(String url, String nonce, String kid, Map<String, Object> payload) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "ES256");
        if (kid == null) header.put("jwk", jwk());
        else header.put("kid", kid);
        header.put("nonce", nonce);
        header.put("url", url);
        String protectedPart = b64(Json.write(header).getBytes(StandardCharsets.UTF_8));
        String payloadPart = payload == null ? "" : b64(Json.write(payload).getBytes(StandardCharsets.UTF_8));
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format"); // R || S, as JWS wants
            signer.initSign(keys.getPrivate());
            signer.update((protectedPart + "." + payloadPart).getBytes(StandardCharsets.US_ASCII));
            Map<String, Object> jws = new LinkedHashMap<>();
            jws.put("protected", protectedPart);
            jws.put("payload", payloadPart);
            jws.put("signature", b64(signer.sign()));
            return Json.write(jws);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the ACME account key", e);
        }
    }

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /** A coordinate as exactly 32 bytes, big-endian. */
    private static byte[] unsigned(BigInteger n) {
        byte[] raw = n.toByteArray();
        if (raw.length == 32) return raw;
        if (raw.length > 32) return Arrays.copyOfRange(raw, raw.length - 32, raw.length);
        byte[] padded = new byte[32];
        System.arraycopy(raw, 0, padded, 32 - raw.length, raw.length);
        return padded;
    }
}
