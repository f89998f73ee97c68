package dev.letterbox.imap.server;

import dev.letterbox.imap.ImapWriter;
import dev.letterbox.imap.server.SearchHandler.Sortable;
import dev.letterbox.message.UnicodeCasemap;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The threading algorithms of RFC 5256 §4 and how a thread tree is written (§5 {@code thread-list}). */
final class Threads {
    private static final Pattern REPLY = Pattern.compile("(?i)^\\s*(re|fwd?)\\s*(\\[[^\\]]*\\])?\\s*:.*|.*\\(fwd\\)\\s*$");

    private Threads() {}

    /** A thread container: a message, or a dummy (null message) standing for a referenced one we lack. */
    static final class Node {
        final Sortable message;
        Node parent;
        final List<Node> children = new ArrayList<>();

        Node(Sortable message) {
            this.message = message;
        }

        boolean isDummy() {
            return message == null;
        }

        /** The date a container sorts by: its message's, or (dummy) its first child's. */
        Instant date() {
            if (message != null) return message.sent();
            return children.isEmpty() ? Instant.EPOCH : children.get(0).date();
        }

        int msn() {
            if (message != null) return message.msn();
            return children.isEmpty() ? 0 : children.get(0).msn();
        }

        void add(Node child) {
            child.parent = this;
            children.add(child);
        }

        void unlink() {
            if (parent != null) parent.children.remove(this);
            parent = null;
        }

        boolean hasDescendant(Node n) {
            for (Node c : children) if (c == n || c.hasDescendant(n)) return true;
            return false;
        }
    }

    private static final Comparator<Node> BY_DATE = Comparator.comparing(Node::date).thenComparingInt(Node::msn);

    /** THREAD=ORDEREDSUBJECT: by base subject; the first message of each is the parent of the others. */
    static List<Node> orderedSubject(List<Sortable> items) {
        List<Sortable> sorted = new ArrayList<>(items);
        sorted.sort(SearchHandler.byText(x -> x.keys().baseSubject())
                .thenComparing(Sortable::sent).thenComparingInt(Sortable::msn));
        List<Node> threads = new ArrayList<>();
        Node current = null;
        String subject = null;
        for (Sortable x : sorted) {
            String base = UnicodeCasemap.key(x.keys().baseSubject());
            if (current == null || !base.equals(subject)) {
                current = new Node(x);
                subject = base;
                threads.add(current);
            } else {
                current.add(new Node(x));
            }
        }
        threads.sort(BY_DATE);
        return threads;
    }

    /** THREAD=REFERENCES (RFC 5256 §4, after Zawinski): links by References/In-Reply-To, then by subject. */
    static List<Node> references(List<Sortable> items) {
        List<Sortable> inOrder = new ArrayList<>(items);
        inOrder.sort(Comparator.comparingInt(Sortable::msn));
        Map<String, Node> byId = new HashMap<>();
        int unique = 0;
        for (Sortable x : inOrder) {
            String id = x.keys().messageId();
            // (1)(A) a missing or duplicate Message-ID gets an id of its own
            Node node = id.isEmpty() ? null : byId.get(id);
            if (id.isEmpty() || (node != null && !node.isDummy())) {
                id = "\0unique-" + (unique++);
                node = null;
            }
            Node mine = new Node(x);
            if (node != null) { // a dummy made for an earlier reference: take its place
                for (Node child : new ArrayList<>(node.children)) {
                    child.unlink();
                    mine.add(child);
                }
                Node oldParent = node.parent;
                node.unlink();
                if (oldParent != null) oldParent.add(mine);
            }
            byId.put(id, mine);
            // (1)(B) link the References chain, never making a loop
            Node previous = null;
            for (String ref : x.keys().references()) {
                Node r = byId.computeIfAbsent(ref, k -> new Node(null));
                if (previous != null && r.parent == null && r != previous && !r.hasDescendant(previous)) {
                    previous.add(r);
                }
                previous = r;
            }
            // (1)(C) the last reference is the parent, unless that makes a loop
            mine.unlink();
            if (previous != null && previous != mine && !mine.hasDescendant(previous)) previous.add(mine);
        }
        // (2) the root set
        List<Node> roots = new ArrayList<>();
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : byId.values()) {
            if (n.parent == null && seen.add(n)) roots.add(n);
        }
        // (4) prune dummies
        roots = prune(roots, true);
        // (5) sort, (6) gather by subject
        sortTree(roots);
        roots = gatherBySubject(roots);
        // (7) sort again after merging
        sortTree(roots);
        return roots;
    }

    private static List<Node> prune(List<Node> level, boolean root) {
        List<Node> out = new ArrayList<>();
        for (Node n : level) {
            List<Node> kids = prune(new ArrayList<>(n.children), false);
            n.children.clear();
            for (Node k : kids) n.add(k);
            if (n.isDummy()) {
                if (n.children.isEmpty()) continue; // (4)(A)
                if (!root || n.children.size() == 1) { // (4)(B) promote the children
                    for (Node k : new ArrayList<>(n.children)) {
                        k.parent = null;
                        out.add(k);
                    }
                    n.children.clear();
                    continue;
                }
            }
            out.add(n);
        }
        return out;
    }

    private static void sortTree(List<Node> level) {
        for (Node n : level) sortTree(n.children);
        level.sort(BY_DATE);
    }

    private static String subjectOf(Node n) {
        Node m = n.isDummy() && !n.children.isEmpty() ? n.children.get(0) : n;
        return m.message == null ? "" : UnicodeCasemap.key(m.message.keys().baseSubject());
    }

    private static boolean isReply(Node n) {
        return n.message != null && REPLY.matcher(n.message.keys().subject()).matches();
    }

    /** RFC 5256 step (6): roots with the same base subject become one thread. */
    private static List<Node> gatherBySubject(List<Node> roots) {
        Map<String, Node> table = new LinkedHashMap<>();
        for (Node r : roots) {
            String subject = subjectOf(r);
            if (subject.isEmpty()) continue;
            Node old = table.get(subject);
            if (old == null || (r.isDummy() && !old.isDummy())
                    || (!old.isDummy() && !r.isDummy() && isReply(old) && !isReply(r))) {
                table.put(subject, r);
            }
        }
        List<Node> out = new ArrayList<>();
        Map<Node, Node> replaced = new IdentityHashMap<>();
        for (Node r : roots) {
            String subject = subjectOf(r);
            Node t = subject.isEmpty() ? null : table.get(subject);
            if (t == null || t == r) {
                out.add(r);
                continue;
            }
            Node target = replaced.getOrDefault(t, t);
            if (target.isDummy() && r.isDummy()) {
                for (Node k : new ArrayList<>(r.children)) {
                    k.unlink();
                    target.add(k);
                }
            } else if (target.isDummy()) {
                target.add(r);
            } else if (isReply(r) && !isReply(target)) {
                target.add(r);
            } else {
                Node dummy = new Node(null);
                int at = out.indexOf(target);
                target.unlink();
                dummy.add(target);
                dummy.add(r);
                if (at >= 0) out.set(at, dummy);
                replaced.put(t, dummy);
            }
        }
        List<Node> result = new ArrayList<>();
        for (Node r : out) if (r.parent == null) result.add(r);
        return result;
    }

    /** Writes threads as RFC 5256 §5 has them: {@code thread-list}s back to back, "(1 2 (3)(4 5))(6)". */
    static void write(List<Node> threads, boolean uid, ImapWriter out) throws IOException {
        for (int i = 0; i < threads.size(); i++) {
            if (i > 0) out.adjacent();
            out.open();
            members(threads.get(i), uid, out);
            out.close();
        }
    }

    /** {@code thread-members}: the numbers of a chain, then its branches as {@code thread-nested}. */
    private static void members(Node node, boolean uid, ImapWriter out) throws IOException {
        Node cur = node;
        while (true) {
            if (cur.message != null) out.number(uid ? cur.message.uid() : cur.message.msn());
            if (cur.children.size() == 1) {
                cur = cur.children.get(0);
                continue;
            }
            if (cur.children.size() > 1) write(cur.children, uid, out);
            return;
        }
    }
}
