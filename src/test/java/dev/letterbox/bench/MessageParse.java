package dev.letterbox.bench;

import dev.letterbox.message.MessageStructure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Random;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

/**
 * What parsing a message once at delivery costs: MessageStructure.parse of a 10 KB and a 10 MB
 * message, from memory and read back from a file (as LocalDelivery does), plus serialize/deserialize
 * and BODYSTRUCTURE. For scale, the same bytes through mime4j's MimeTokenStream (the pull parser
 * Apache James builds on), reading every body to its end.
 *
 * <p>Run: {@code bench/message-parse/run.sh [seconds-per-case]}; {@code --write DIR} writes the two
 * messages as files instead.
 */
public final class MessageParse {
    public static void main(String[] args) throws Exception {
        byte[] small = message(6_000);           // ~10 KB: text, html, a small attachment
        byte[] large = message(7_500_000);       // ~10 MB: same, with a 7.5 MB attachment (base64)
        if (args.length == 2 && args[0].equals("--write")) {
            // The same messages as files, for timing another server on them (dovecot-parse.py).
            Files.write(Path.of(args[1], "small.eml"), small);
            Files.write(Path.of(args[1], "large.eml"), large);
            return;
        }
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = Files.createTempDirectory("lb-parse-bench");
        Path smallFile = Files.write(dir.resolve("small.eml"), small);
        Path largeFile = Files.write(dir.resolve("large.eml"), large);
        try {
            System.out.printf(Locale.ROOT, "small message: %,d octets; large message: %,d octets%n", small.length, large.length);
            // JIT warm-up of every path before any measurement.
            long warm = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < warm) {
                MessageStructure.parse(new ByteArrayInputStream(small)).serialize();
                mime4j(small);
            }
            for (byte[] m : new byte[][] {small, large}) {
                String label = m == small ? "10 KB" : "10 MB";
                Path file = m == small ? smallFile : largeFile;
                MessageStructure s = MessageStructure.parse(new ByteArrayInputStream(m));
                byte[] stored = s.serialize();
                report(label + " parse (memory)", m.length, seconds, () -> MessageStructure.parse(new ByteArrayInputStream(m)));
                report(label + " parse (file)", m.length, seconds, () -> {
                    try (InputStream in = Files.newInputStream(file)) {
                        MessageStructure.parse(in);
                    }
                });
                report(label + " mime4j MimeTokenStream", m.length, seconds, () -> mime4j(m));
                report(label + " serialize (" + stored.length + " octets)", 0, seconds, s::serialize);
                report(label + " deserialize + BODYSTRUCTURE", 0, seconds, () -> MessageStructure.deserialize(stored).bodyStructure(true));
            }
        } finally {
            Files.deleteIfExists(smallFile);
            Files.deleteIfExists(largeFile);
            Files.deleteIfExists(dir);
        }
    }

    interface Op {
        void run() throws Exception;
    }

    /** Runs {@code op} for about {@code seconds} after a warm-up and prints the median of 10 slices. */
    private static void report(String name, long octets, double seconds, Op op) throws Exception {
        long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warmEnd) op.run();
        double[] perOp = new double[10];
        for (int slice = 0; slice < perOp.length; slice++) {
            long end = System.nanoTime() + (long) (seconds * 1e8);
            long start = System.nanoTime();
            int n = 0;
            do {
                op.run();
                n++;
            } while (System.nanoTime() < end);
            perOp[slice] = (System.nanoTime() - start) / (double) n;
        }
        Arrays.sort(perOp);
        double median = (perOp[4] + perOp[5]) / 2;
        String rate = octets > 0 ? String.format(Locale.ROOT, "  %8.0f MB/s", octets / median * 1e3) : "";
        System.out.printf(Locale.ROOT, "%-45s %12.1f us/op%s%n", name, median / 1e3, rate);
    }

    private static void mime4j(byte[] m) throws Exception {
        MimeTokenStream stream = new MimeTokenStream(MimeConfig.PERMISSIVE);
        stream.parse(new ByteArrayInputStream(m));
        byte[] buf = new byte[8192];
        for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
            if (state == EntityState.T_BODY) {
                try (InputStream in = stream.getInputStream()) {
                    while (in.read(buf) > 0) {
                        // drain
                    }
                }
            }
        }
    }

    /** A multipart/mixed message: alternative text+html, then an attachment of the given raw size. */
    static byte[] message(int attachmentOctets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(attachmentOctets * 4 / 3 + 8192);
        String text = "Hello,\r\n\r\nthe figures for this quarter are attached. Let me know what you think.\r\n\r\n-- \r\nMary\r\n".repeat(8);
        out.writeBytes(("Return-Path: <mary@example.net>\r\n"
                + "Received: from mx.example.net (mx.example.net [192.0.2.1]) by mail.example.test with ESMTPS; Tue, 1 Jul 2003 10:52:37 +0200\r\n"
                + "From: \"Mary Smith\" <mary@example.net>\r\nTo: John Doe <jdoe@example.test>, team@example.test\r\n"
                + "Cc: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>\r\nSubject: =?UTF-8?Q?R=C3=A9union?= quarterly figures\r\n"
                + "Date: Tue, 1 Jul 2003 10:52:37 +0200\r\nMessage-ID: <5678.21-Nov-1997@example.net>\r\n"
                + "References: <1000@example.test> <1234@example.test>\r\nIn-Reply-To: <1234@example.test>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                + "--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
                + "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + text + "\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>" + text
                + "</p></body></html>\r\n--alt--\r\n\r\n--outer\r\n"
                + "Content-Type: application/vnd.ms-excel; name=\"figures.xls\"\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment; filename=\"figures.xls\"\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] attachment = new byte[attachmentOctets];
        new Random(1).nextBytes(attachment);
        out.writeBytes(Base64.getMimeEncoder().encode(attachment));
        out.writeBytes("\r\n--outer--\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
