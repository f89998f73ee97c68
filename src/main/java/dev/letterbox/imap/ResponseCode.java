package dev.letterbox.imap;

import java.util.List;

/**
 * A response code, the bracketed text after a status (RFC 3501 §7.1, RFC 5530, and the extensions
 * that add codes). Built only through these factories, so every code on the wire is well formed.
 */
public final class ResponseCode {
    private final String text;

    private ResponseCode(String text) {
        this.text = text;
    }

    /** The code's wire form without brackets, e.g. "UIDNEXT 42". */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return "[" + text + "]";
    }

    private static ResponseCode of(String text) {
        return new ResponseCode(text);
    }

    // RFC 3501 §7.1
    public static ResponseCode alert() { return of("ALERT"); }
    public static ResponseCode capability(List<String> caps) { return of("CAPABILITY " + String.join(" ", caps)); }
    public static ResponseCode parse() { return of("PARSE"); }
    public static ResponseCode permanentFlags(List<String> flags) { return of("PERMANENTFLAGS (" + String.join(" ", flags) + ")"); }
    public static ResponseCode readOnly() { return of("READ-ONLY"); }
    public static ResponseCode readWrite() { return of("READ-WRITE"); }
    public static ResponseCode tryCreate() { return of("TRYCREATE"); }
    public static ResponseCode uidNext(long n) { return of("UIDNEXT " + n); }
    public static ResponseCode uidValidity(long n) { return of("UIDVALIDITY " + n); }
    public static ResponseCode unseen(long msn) { return of("UNSEEN " + msn); }
    public static ResponseCode badCharset(List<String> supported) { return of("BADCHARSET (" + String.join(" ", supported) + ")"); }

    // RFC 4315 UIDPLUS
    public static ResponseCode appendUid(long uidValidity, long uid) { return of("APPENDUID " + uidValidity + " " + uid); }
    public static ResponseCode appendUid(long uidValidity, Ranges uids) { return of("APPENDUID " + uidValidity + " " + uids); }
    public static ResponseCode copyUid(long uidValidity, Ranges source, Ranges target) {
        return of("COPYUID " + uidValidity + " " + source + " " + target);
    }
    /** COPYUID with UID lists in the order the messages were copied (RFC 4315 §4: pairwise). */
    public static ResponseCode copyUid(long uidValidity, String source, String target) {
        return of("COPYUID " + uidValidity + " " + source + " " + target);
    }
    public static ResponseCode uidNotSticky() { return of("UIDNOTSTICKY"); }

    // RFC 7162 CONDSTORE / QRESYNC
    public static ResponseCode highestModSeq(long n) { return of("HIGHESTMODSEQ " + n); }
    public static ResponseCode noModSeq() { return of("NOMODSEQ"); }
    public static ResponseCode modified(Ranges set) { return of("MODIFIED " + set); }
    public static ResponseCode closed() { return of("CLOSED"); }
    /** RFC 5465 §3.1: the events this server can notify. */
    public static ResponseCode badEvent(List<String> supported) { return of("BADEVENT (" + String.join(" ", supported) + ")"); }
    /** RFC 5464 §4.2.1 / §4.3 response codes. */
    public static ResponseCode metadataLongEntries(long size) { return of("METADATA LONGENTRIES " + size); }
    public static ResponseCode metadataMaxSize(long size) { return of("METADATA MAXSIZE " + size); }
    public static ResponseCode metadataTooMany() { return of("METADATA TOOMANY"); }
    /** RFC 5267 §4.2; a tag has no quoted-specials (RFC 3501 §9 tag), so it is quoted as it is. */
    public static ResponseCode noUpdate(String tag) { return of("NOUPDATE \"" + tag + "\""); }

    // RFC 5530
    public static ResponseCode unavailable() { return of("UNAVAILABLE"); }
    public static ResponseCode authenticationFailed() { return of("AUTHENTICATIONFAILED"); }
    public static ResponseCode authorizationFailed() { return of("AUTHORIZATIONFAILED"); }
    public static ResponseCode expired() { return of("EXPIRED"); }
    public static ResponseCode privacyRequired() { return of("PRIVACYREQUIRED"); }
    public static ResponseCode contactAdmin() { return of("CONTACTADMIN"); }
    public static ResponseCode noPerm() { return of("NOPERM"); }
    public static ResponseCode inUse() { return of("INUSE"); }
    public static ResponseCode expungeIssued() { return of("EXPUNGEISSUED"); }
    public static ResponseCode corruption() { return of("CORRUPTION"); }
    public static ResponseCode serverBug() { return of("SERVERBUG"); }
    public static ResponseCode clientBug() { return of("CLIENTBUG"); }
    public static ResponseCode cannot() { return of("CANNOT"); }
    public static ResponseCode limit() { return of("LIMIT"); }
    public static ResponseCode overQuota() { return of("OVERQUOTA"); }
    public static ResponseCode alreadyExists() { return of("ALREADYEXISTS"); }
    public static ResponseCode nonExistent() { return of("NONEXISTENT"); }

    // RFC 8474 OBJECTID
    public static ResponseCode mailboxId(String id) { return of("MAILBOXID (" + id + ")"); }

    // RFC 4467 URLAUTH
    public static ResponseCode urlMech(List<String> mechanisms) { return of("URLMECH " + String.join(" ", mechanisms)); }

    // RFC 4469 CATENATE: the URL as the client sent it, cut to what a response code can carry
    public static ResponseCode badUrl(String url) {
        StringBuilder sb = new StringBuilder("BADURL ");
        for (int i = 0; i < url.length() && i < 200; i++) {
            char ch = url.charAt(i);
            sb.append(ch > ' ' && ch < 0x7f && ch != ']' ? ch : '?');
        }
        return of(sb.toString());
    }

    // RFC 4469 / RFC 7889, RFC 3516, RFC 6154, RFC 4978
    public static ResponseCode tooBig() { return of("TOOBIG"); }
    public static ResponseCode unknownCte() { return of("UNKNOWN-CTE"); }
    public static ResponseCode useAttr() { return of("USEATTR"); }
    public static ResponseCode compressionActive() { return of("COMPRESSIONACTIVE"); }
}
