package dev.letterbox.message;

/**
 * RFC 5256 §2.1 base subject, for SORT SUBJECT and THREAD. Input is the decoded subject; the result
 * keeps its letter case (SORT and THREAD compare it with i;ascii-casemap, so callers compare
 * case-insensitively).
 */
final class BaseSubject {
    private BaseSubject() {}

    static String of(String decodedSubject) {
        if (decodedSubject == null) return "";
        // (1) tabs and continuations become spaces, runs of spaces one space.
        String s = collapseWhitespace(decodedSubject);
        while (true) {
            // (2) trailing "(fwd)" and white space.
            s = removeTrailers(s);
            // (3)-(5) leaders and leading blobs, until nothing changes.
            boolean changed = true;
            while (changed) {
                changed = false;
                int leader = leaderLength(s);
                if (leader > 0) {
                    s = s.substring(leader);
                    changed = true;
                }
                int blob = blobLength(s, 0);
                if (blob > 0 && !s.substring(blob).isBlank()) {
                    s = s.substring(blob);
                    changed = true;
                }
            }
            // (6) "[fwd: subject]": unwrap and start over from (2).
            if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                continue;
            }
            return s.strip();
        }
    }

    private static String collapseWhitespace(String in) {
        StringBuilder b = new StringBuilder(in.length());
        boolean space = false;
        for (int i = 0; i < in.length(); i++) {
            char c = in.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = true;
            } else {
                if (space && !b.isEmpty()) b.append(' ');
                space = false;
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String removeTrailers(String s) {
        while (true) {
            if (s.endsWith(" ")) {
                s = s.substring(0, s.length() - 1);
            } else if (s.length() >= 5 && s.regionMatches(true, s.length() - 5, "(fwd)", 0, 5)) {
                s = s.substring(0, s.length() - 5);
            } else {
                return s;
            }
        }
    }

    /** Length of a subj-leader at the start: white space, or *subj-blob subj-refwd. 0 if none. */
    private static int leaderLength(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == ' ') i++;
        if (i > 0) return i;
        int p = 0;
        while (true) {
            int blob = blobLength(s, p);
            if (blob == 0) break;
            p += blob;
        }
        // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
        int q;
        if (s.regionMatches(true, p, "re", 0, 2)) {
            q = p + 2;
        } else if (s.regionMatches(true, p, "fwd", 0, 3)) {
            q = p + 3;
        } else if (s.regionMatches(true, p, "fw", 0, 2)) {
            q = p + 2;
        } else {
            return 0;
        }
        while (q < s.length() && s.charAt(q) == ' ') q++;
        q += blobLength(s, q);
        return q < s.length() && s.charAt(q) == ':' ? q + 1 : 0;
    }

    /** Length of subj-blob = "[" *BLOBCHAR "]" *WSP at {@code from}, 0 if none. */
    private static int blobLength(String s, int from) {
        if (from >= s.length() || s.charAt(from) != '[') return 0;
        int i = from + 1;
        while (i < s.length() && s.charAt(i) != ']') {
            if (s.charAt(i) == '[') return 0;
            i++;
        }
        if (i >= s.length()) return 0;
        i++;
        while (i < s.length() && s.charAt(i) == ' ') i++;
        return i - from;
    }
}
