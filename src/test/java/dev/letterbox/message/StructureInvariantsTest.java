package dev.letterbox.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package invariants on mangled input: corpus messages with random octets changed, lines cut,
 * duplicated or dropped. Parsing never fails, every offset lies inside its parent's range, a
 * multipart has parts, the stored form reads back equal, and SEARCH, BINARY and HEADER.FIELDS read
 * the result without error. Longer runs:
 * {@code INVARIANT_ROUNDS=200000 INVARIANT_SEED=7 ./run-tests -Dtest=StructureInvariantsTest}.
 */
class StructureInvariantsTest {
    private static final byte[][] NOISE = {
        "--".getBytes(), "\r\n".getBytes(), "\n".getBytes(), "\r".getBytes(), ":".getBytes(), "\"".getBytes(),
        "Content-Type: multipart/mixed; boundary=x\r\n".getBytes(), "--x\r\n".getBytes(), "--x--\r\n".getBytes(),
        "Content-Type: message/rfc822\r\n\r\n".getBytes(), "=?utf-8?q?".getBytes(), "(".getBytes(), "<".getBytes(),
        "; name*0*=utf-8''%E2; name*1=".getBytes(),
    };

    @Test
    void mangledMessagesKeepTheInvariants() throws IOException {
        List<byte[]> corpus;
        try (Stream<Path> files = Files.list(Corpus.DIR)) {
            corpus = files.filter(f -> f.toString().endsWith(".eml")).sorted().map(Corpus::load).toList();
        }
        Random random = new Random(envInt("INVARIANT_SEED", 20261122));
        for (int round = 0; round < envInt("INVARIANT_ROUNDS", 3000); round++) {
            byte[] m = mangle(corpus.get(random.nextInt(corpus.size())), random);
            MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(m));
            assertEquals(m.length, s.size());
            check(s.root(), 0, m.length, 0);
            assertEquals(s, MessageStructure.deserialize(s.serialize()), "round " + round);
            NodeText.render(s.bodyStructure(true));
            NodeText.render(s.envelope());
            try (InMemoryChannel ch = new InMemoryChannel(m)) {
                MessageSearch.textContains(ch, s, "needle");
                for (int i = 1; i <= 3; i++) {
                    for (int[] path : new int[][] {{i}, {i, 1}}) {
                        var part = s.part(path);
                        if (part.isPresent()) Sections.decodedContent(ch, part.get());
                    }
                }
                Sections.headerFields(ch, 0, s.root().bodyStart(), List.of("subject", "content-type"), false);
            }
        }
    }

    private static int envInt(String name, int fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : Integer.parseInt(v);
    }

    private static void check(MimePart p, long from, long to, int depth) {
        assertTrue(depth <= 2 * MimeTreeBuilder.MAX_DEPTH + 1);
        assertTrue(from <= p.headerStart() && p.headerStart() <= p.bodyStart() && p.bodyStart() <= p.end() && p.end() <= to,
                () -> "offsets " + p.headerStart() + "/" + p.bodyStart() + "/" + p.end() + " outside " + from + ".." + to);
        assertTrue(p.lines() >= 0 && p.lines() <= p.size());
        switch (p.kind()) {
            case MULTIPART -> {
                assertFalse(p.children().isEmpty());
                long previousEnd = p.bodyStart();
                for (MimePart child : p.children()) {
                    assertTrue(child.headerStart() >= previousEnd, "parts in order, not overlapping");
                    check(child, p.bodyStart(), p.end(), depth + 1);
                    previousEnd = child.end();
                }
            }
            case MESSAGE -> {
                assertTrue(p.message().envelope() != null);
                check(p.message(), p.bodyStart(), p.end(), depth + 1);
            }
            case LEAF -> assertTrue(p.children().isEmpty() && p.message() == null);
        }
    }

    private static byte[] mangle(byte[] in, Random random) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (i < in.length) {
            int r = random.nextInt(200);
            if (r == 0) {
                out.writeBytes(NOISE[random.nextInt(NOISE.length)]);
            } else if (r == 1) {
                i += random.nextInt(40);          // drop a stretch
            } else if (r == 2) {
                out.write(random.nextInt(256));   // replace one octet
                i++;
            } else if (r == 3 && i > 20) {
                out.write(in, i - 20, 20);        // repeat the last stretch
            } else {
                out.write(in[i++]);
            }
        }
        return out.toByteArray();
    }
}
