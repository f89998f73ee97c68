package dev.letterbox.message;

import java.util.List;

/**
 * The Content-* fields of one entity as BODYSTRUCTURE reports them: type and subtype as written (the
 * defaults of RFC 2045 §5.2 / RFC 2046 §5.1.5 already applied), parameters in header order with RFC
 * 2231 continuations joined, and the optional fields as their unfolded text or null. Lists are never
 * null (empty = NIL), except {@code languages} which is null when Content-Language is absent.
 */
record ContentInfo(String type, String subtype, List<Param> params, String id, String description,
                   String encoding, String md5, String dispositionType, List<Param> dispositionParams,
                   List<String> languages, String location) {

    /** One parameter; a name ending in "*" carries an RFC 2231 charset'language'value. */
    record Param(String name, String value) {}

    static final ContentInfo EMPTY_TEXT =
            new ContentInfo("text", "plain", List.of(), null, null, null, null, null, List.of(), null, null);

    ContentInfo {
        params = List.copyOf(params);
        dispositionParams = List.copyOf(dispositionParams);
        languages = languages == null ? null : List.copyOf(languages);
    }

    boolean is(String t, String s) {
        return type.equalsIgnoreCase(t) && subtype.equalsIgnoreCase(s);
    }

    boolean isType(String t) {
        return type.equalsIgnoreCase(t);
    }

    /** The first parameter of that name (any case), or null. */
    String param(String name) {
        for (Param p : params) {
            if (p.name().equalsIgnoreCase(name)) return p.value();
        }
        return null;
    }

    /** Content-Transfer-Encoding in lower case; "7bit" when absent or empty (RFC 2045 §6.1). */
    String encodingLower() {
        return encoding == null ? "7bit" : encoding.toLowerCase(java.util.Locale.ROOT);
    }

    /** True for the encodings that leave content as it is (RFC 2045 §6.2). */
    boolean identityEncoding() {
        String e = encodingLower();
        return e.equals("7bit") || e.equals("8bit") || e.equals("binary");
    }

    /** The same fields under another media type (used when structure is not descended into). */
    ContentInfo withType(String newType, String newSubtype, List<Param> newParams) {
        return new ContentInfo(newType, newSubtype, newParams, id, description, encoding, md5,
                dispositionType, dispositionParams, languages, location);
    }
}
