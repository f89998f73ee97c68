package dev.letterbox.dmarc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * The email carrying one aggregate report (RFC 7489 §7.2.1.1): a short text part and the gzipped
 * XML as an {@code application/gzip} attachment named
 * {@code receiver!policy-domain!begin!end.xml.gz}, under the Subject
 * {@code Report Domain: <domain> Submitter: <receiver> Report-ID: <id>}. All 7-bit ASCII.
 */
final class ReportMessage {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private ReportMessage() {}

    /**
     * @param receiver     our host name (the Submitter)
     * @param policyDomain the domain the report is about
     * @param reportId     "token@receiver", the report_id of the XML and the Report-ID and Message-ID here
     * @param begin        first second of the period
     * @param end          last second of the period (inclusive)
     */
    static byte[] compose(String from, List<String> to, String receiver, String policyDomain, String reportId,
                          long begin, long end, byte[] gzippedXml, Instant now) {
        String boundary = "=_dmarc_" + reportId.substring(0, reportId.indexOf('@'));
        String file = fileName(receiver, policyDomain, begin, end);
        StringBuilder m = new StringBuilder(256 + gzippedXml.length * 4 / 3);
        m.append("From: <").append(from).append(">\r\n");
        m.append("To: ");
        for (int i = 0; i < to.size(); i++) m.append(i == 0 ? "" : ",\r\n\t").append('<').append(to.get(i)).append('>');
        m.append("\r\n");
        m.append("Subject: ").append(subject(policyDomain, receiver, reportId)).append("\r\n");
        m.append("Date: ").append(DATE.format(now)).append("\r\n");
        m.append("Message-ID: <").append(reportId).append(">\r\n");
        m.append("Auto-Submitted: auto-generated\r\n"); // RFC 3834: machines should not answer it
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        m.append("This is a DMARC aggregate report in MIME format.\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
        m.append("DMARC aggregate report (RFC 7489) from ").append(receiver).append(" for ").append(policyDomain)
                .append(",\r\ncovering ").append(DATE.format(Instant.ofEpochSecond(begin))).append(" to ")
                .append(DATE.format(Instant.ofEpochSecond(end))).append(".\r\nReport-ID: <").append(reportId)
                .append(">\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: application/gzip; name=\"").append(file).append("\"\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment; filename=\"").append(file).append("\"\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gzippedXml)).append("\r\n");
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** §7.2.1.1, folded as its example is so that the line stays short. */
    static String subject(String policyDomain, String receiver, String reportId) {
        return "Report Domain: " + policyDomain + "\r\n\tSubmitter: " + receiver + "\r\n\tReport-ID: <" + reportId + ">";
    }

    /** §7.2.1.1 {@code filename = receiver "!" policy-domain "!" begin-timestamp "!" end-timestamp "." extension}. */
    static String fileName(String receiver, String policyDomain, long begin, long end) {
        return receiver + "!" + policyDomain + "!" + begin + "!" + end + ".xml.gz";
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 8 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip to memory failed", e);
        }
        return out.toByteArray();
    }
}
