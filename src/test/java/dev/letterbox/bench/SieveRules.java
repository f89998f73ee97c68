package dev.letterbox.bench;

import dev.letterbox.sieve.BodyPart;
import dev.letterbox.sieve.HeaderField;
import dev.letterbox.sieve.MessageView;
import dev.letterbox.sieve.SieveResult;
import dev.letterbox.sieve.SieveScript;
import java.util.List;

/**
 * The speed goal: a 200-rule script must add less than 1 ms to a delivery. Compiles a
 * script of 200 typical rules (header :contains, address :is, :matches with match variables,
 * relational :value, body :contains every tenth rule) once, then runs it against a message that
 * matches none until the last rule, the worst case: every test is evaluated.
 *
 * <p>Run: {@code bench/sieve/run.sh [seconds]}.
 */
public final class SieveRules {
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        String script = script(200);
        MessageView msg = message();

        long t0 = System.nanoTime();
        int compiles = 0;
        while (System.nanoTime() - t0 < 1_000_000_000L) {
            SieveScript.compile(script);
            compiles++;
        }
        double compileUs = (System.nanoTime() - t0) / 1000.0 / compiles;

        SieveScript compiled = SieveScript.compile(script);
        SieveResult check = compiled.run(msg);
        if (check.error().isPresent() || check.actions().size() != 1) throw new AssertionError(check);

        for (long end = System.nanoTime() + 2_000_000_000L; System.nanoTime() < end; ) compiled.run(msg);
        long start = System.nanoTime();
        long runs = 0;
        long deadline = start + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 100; i++) compiled.run(msg);
            runs += 100;
        }
        double runUs = (System.nanoTime() - start) / 1000.0 / runs;
        System.out.printf("script: %d rules, %d characters%n", 200, script.length());
        System.out.printf("compile: %.1f us per script (%d compiles)%n", compileUs, compiles);
        System.out.printf("run:     %.1f us per message (%d runs), result %s%n", runUs, runs, check.actions());
    }

    static String script(int rules) {
        StringBuilder sb = new StringBuilder("require [\"fileinto\", \"variables\", \"relational\", "
                + "\"comparator-i;ascii-numeric\", \"body\", \"imap4flags\"];\n");
        for (int i = 0; i < rules - 1; i++) {
            switch (i % 5) {
                case 0 -> sb.append("if header :contains \"subject\" \"project-").append(i)
                        .append("\" { fileinto \"Projects/").append(i).append("\"; stop; }\n");
                case 1 -> sb.append("if address :is :domain \"from\" \"list").append(i)
                        .append(".example.net\" { fileinto \"Lists/").append(i).append("\"; stop; }\n");
                case 2 -> sb.append("if header :matches \"list-id\" \"*<list").append(i)
                        .append(".*>*\" { fileinto \"Lists/${2}\"; stop; }\n");
                case 3 -> sb.append("if header :value \"ge\" :comparator \"i;ascii-numeric\" \"x-priority-")
                        .append(i).append("\" \"5\" { addflag \"$Low\"; }\n");
                default -> {
                    if (i % 10 == 4) {
                        sb.append("if body :contains \"unsubscribe-").append(i).append("\" { fileinto \"Bulk\"; }\n");
                    } else {
                        sb.append("if anyof (header :is \"x-mailer\" \"bot").append(i)
                                .append("\", address :all :is \"to\" \"alias").append(i)
                                .append("@example.com\") { discard; stop; }\n");
                    }
                }
            }
        }
        sb.append("if header :contains \"subject\" \"quarterly\" { keep; }\n");
        return sb.toString();
    }

    static MessageView message() {
        List<HeaderField> headers = List.of(
                new HeaderField("Received", " from mx.example.net by mail.example.com; Tue, 1 Apr 2025 09:06:31 +0000"),
                new HeaderField("Received", " from client by mx.example.net; Tue, 1 Apr 2025 09:06:30 +0000"),
                new HeaderField("Date", " Tue, 1 Apr 2025 09:06:29 +0000"),
                new HeaderField("From", " \"Alice Example\" <alice@example.org>"),
                new HeaderField("To", " Bob <bob@example.com>, carol@example.com"),
                new HeaderField("Subject", " The quarterly report, as promised"),
                new HeaderField("Message-ID", " <20250401090629.12345@example.org>"),
                new HeaderField("MIME-Version", " 1.0"),
                new HeaderField("Content-Type", " text/plain; charset=utf-8"),
                new HeaderField("X-Mailer", " Mail 1.0"));
        String body = "Hello Bob,\r\n\r\nthe report is attached. ".repeat(40);
        return new MessageView() {
            @Override
            public List<HeaderField> headers() {
                return headers;
            }

            @Override
            public String envelopeFrom() {
                return "alice@example.org";
            }

            @Override
            public String envelopeTo() {
                return "bob@example.com";
            }

            @Override
            public long size() {
                return 4000;
            }

            @Override
            public List<BodyPart> bodyParts() {
                return List.of(new BodyPart("text/plain", body));
            }
        };
    }
}
