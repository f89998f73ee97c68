package dev.letterbox.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.store.MailStore;
import dev.letterbox.store.QueuedMessage;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A queued aggregate report as its recipient sees it: the message parsed by Angus Mail, the
 * attachment gunzipped, the XML parsed by the JDK's parser.
 */
record ReportFixture(QueuedMessage queued, MimeMessage message, String fileName, Document xml) {

    static List<ReportFixture> queued(MailStore store) throws Exception {
        List<ReportFixture> out = new ArrayList<>();
        for (QueuedMessage q : store.queue().list(0, 100)) out.add(read(store, q));
        return out;
    }

    static ReportFixture read(MailStore store, QueuedMessage q) throws Exception {
        byte[] bytes;
        try (InputStream in = store.blobs().open(q.envelope().blob())) {
            bytes = in.readAllBytes();
        }
        for (byte b : bytes) assertTrue(b > 0, "7-bit: the envelope says SEVEN_BIT");
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
        assertTrue(new ContentType(m.getContentType()).match("multipart/mixed"), m.getContentType());
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertEquals(2, parts.getCount());
        assertTrue(new ContentType(parts.getBodyPart(0).getContentType()).match("text/plain"));
        BodyPart attachment = parts.getBodyPart(1);
        assertTrue(new ContentType(attachment.getContentType()).match("application/gzip"), attachment.getContentType());
        assertEquals(BodyPart.ATTACHMENT, attachment.getDisposition());
        byte[] xml;
        try (InputStream in = new GZIPInputStream(attachment.getInputStream())) {
            xml = in.readAllBytes();
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        return new ReportFixture(q, m, attachment.getFileName(), doc);
    }

    String subject() throws Exception {
        return message.getSubject().replaceAll("\\s+", " ");
    }

    /** The text of the one element at this path below the root, e.g. "report_metadata/date_range/begin". */
    String text(String path) {
        return text(xml.getDocumentElement(), path);
    }

    static String text(Element from, String path) {
        Element e = from;
        for (String name : path.split("/")) {
            List<Element> found = children(e, name);
            assertEquals(1, found.size(), "one <" + name + "> in <" + e.getTagName() + ">");
            e = found.get(0);
        }
        return e.getTextContent();
    }

    List<Element> records() {
        return children(xml.getDocumentElement(), "record");
    }

    /** Element children named {@code name}, in order. */
    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
        }
        return out;
    }

    /** The names of the element children, in order: checks the schema's sequence. */
    static List<String> childNames(Element parent) {
        List<String> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) out.add(e.getTagName());
        }
        return out;
    }
}
