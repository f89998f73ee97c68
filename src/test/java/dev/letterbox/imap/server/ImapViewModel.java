package dev.letterbox.imap.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client believes about its selected mailbox, built only from the untagged responses it was
 * sent (FLAGS, EXISTS, EXPUNGE, FETCH with UID, FLAGS and MODSEQ), checking each one against what it
 * already believes: a FETCH names the UID at that sequence number, a message's MODSEQ never goes
 * back, a keyword is announced by FLAGS before a FETCH carries it (RFC 3501 §7.2.6).
 */
final class ImapViewModel {
    private static final Pattern FETCH = Pattern.compile("^\\* (\\d+) FETCH \\((.*)\\)$", Pattern.DOTALL);
    private static final Pattern UID = Pattern.compile("\\bUID (\\d+)");
    private static final Pattern FLAGS = Pattern.compile("\\bFLAGS \\(([^)]*)\\)");
    private static final Pattern MODSEQ = Pattern.compile("\\bMODSEQ \\((\\d+)\\)");

    final String who;
    /** UID by sequence number - 1; 0 for a message announced by EXISTS and not fetched yet. */
    final List<Long> uids = new ArrayList<>();
    final Map<Long, Set<String>> flags = new HashMap<>();
    final Map<Long, Long> modSeqs = new HashMap<>();
    final Set<String> announced = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    ImapViewModel(String who) {
        this.who = who;
    }

    void apply(List<String> untagged) {
        for (String r : untagged) apply(r);
    }

    void apply(String r) {
        if (r.startsWith("* FLAGS (")) {
            announced.clear();
            announced.addAll(words(r.substring("* FLAGS (".length(), r.lastIndexOf(')'))));
            return;
        }
        Matcher fetch = FETCH.matcher(r);
        if (fetch.matches()) {
            fetch(Integer.parseInt(fetch.group(1)), fetch.group(2), r);
            return;
        }
        String[] parts = r.split(" ");
        if (parts.length == 3 && parts[2].equals("EXISTS")) {
            int n = Integer.parseInt(parts[1]);
            assertTrue(n >= uids.size(), who + ": EXISTS went down without EXPUNGE: " + r);
            while (uids.size() < n) uids.add(0L);
        } else if (parts.length == 3 && parts[2].equals("EXPUNGE")) {
            int n = Integer.parseInt(parts[1]);
            assertTrue(n >= 1 && n <= uids.size(), who + ": EXPUNGE of a number it does not have: " + r);
            long uid = uids.remove(n - 1);
            flags.remove(uid);
            modSeqs.remove(uid);
        }
    }

    private void fetch(int msn, String items, String response) {
        assertTrue(msn >= 1 && msn <= uids.size(), who + ": FETCH for a number it does not have: " + response);
        Matcher u = UID.matcher(items);
        long uid = uids.get(msn - 1);
        if (u.find()) {
            long said = Long.parseLong(u.group(1));
            assertTrue(uid == 0 || uid == said, who + ": message " + msn + " is UID " + uid + " here, not " + said);
            uid = said;
            uids.set(msn - 1, uid);
        }
        if (uid == 0) return;
        Matcher f = FLAGS.matcher(items);
        if (f.find()) {
            Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (String flag : words(f.group(1))) {
                if (flag.equals("\\Recent")) continue; // per session
                if (!flag.startsWith("\\")) {
                    assertTrue(announced.contains(flag), who + ": keyword " + flag + " before FLAGS announced it: " + response);
                }
                set.add(flag);
            }
            flags.put(uid, set);
        }
        Matcher m = MODSEQ.matcher(items);
        if (m.find()) {
            long modSeq = Long.parseLong(m.group(1));
            Long before = modSeqs.get(uid);
            assertTrue(before == null || modSeq >= before, who + ": UID " + uid + "'s MODSEQ went back from " + before
                    + ": " + response);
            modSeqs.put(uid, modSeq);
        }
    }

    /** The view as "uid flags modseq" lines, in sequence order. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (long uid : uids) out.add(uid + " " + flags.get(uid) + " " + modSeqs.get(uid));
        return out;
    }

    void assertSameAs(ImapViewModel fresh) {
        assertEquals(fresh.lines(), lines(), who + "'s view differs from a fresh SELECT's");
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.trim().split(" +")) if (!w.isEmpty()) out.add(w);
        return out;
    }
}
