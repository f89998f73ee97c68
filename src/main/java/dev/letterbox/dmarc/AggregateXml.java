package dev.letterbox.dmarc;

import dev.letterbox.store.DmarcReportStore;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The XML of an aggregate report (RFC 7489 Appendix C): {@code feedback} with {@code version},
 * {@code report_metadata}, {@code policy_published} and one {@code record} per row, elements in the
 * schema's order. Written with the JDK's StAX writer, which escapes every value.
 */
final class AggregateXml {
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private AggregateXml() {}

    /**
     * @param orgName  who reports (our host name)
     * @param email    the report's contact address
     * @param reportId unique to this report
     * @param begin    first second of the period, in seconds since 1970
     * @param end      last second of the period (inclusive)
     * @param errors   problems to tell the domain owner (report_metadata error)
     */
    static byte[] write(String orgName, String email, String reportId, long begin, long end,
                        DmarcReportStore.PublishedPolicy policy, List<DmarcReportStore.CountedRow> rows, List<String> errors) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096 + rows.size() * 600);
        try {
            XMLStreamWriter w = FACTORY.createXMLStreamWriter(out, "UTF-8");
            Indenting x = new Indenting(w);
            w.writeStartDocument("UTF-8", "1.0");
            x.open("feedback");
            x.leaf("version", "1.0");
            x.open("report_metadata");
            x.leaf("org_name", orgName);
            x.leaf("email", email);
            x.leaf("report_id", reportId);
            x.open("date_range");
            x.leaf("begin", Long.toString(begin));
            x.leaf("end", Long.toString(end));
            x.close();
            for (String error : errors) x.leaf("error", error);
            x.close();
            x.open("policy_published");
            x.leaf("domain", policy.domain());
            x.leaf("adkim", policy.adkim());
            x.leaf("aspf", policy.aspf());
            x.leaf("p", policy.p());
            x.leaf("sp", policy.sp());
            x.leaf("pct", Integer.toString(policy.pct()));
            x.leaf("fo", policy.fo());
            x.close();
            for (DmarcReportStore.CountedRow counted : rows) record(x, counted);
            x.close();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing report XML to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void record(Indenting x, DmarcReportStore.CountedRow counted) throws XMLStreamException {
        DmarcReportStore.Row r = counted.row();
        x.open("record");
        x.open("row");
        x.leaf("source_ip", r.sourceIp());
        x.leaf("count", Long.toString(counted.count()));
        x.open("policy_evaluated");
        x.leaf("disposition", r.disposition());
        x.leaf("dkim", r.dkimPass() ? "pass" : "fail");
        x.leaf("spf", r.spfPass() ? "pass" : "fail");
        for (String reason : r.reasons()) {
            x.open("reason");
            x.leaf("type", reason);
            x.close();
        }
        x.close();
        x.close();
        x.open("identifiers");
        if (!r.envelopeTo().isEmpty()) x.leaf("envelope_to", r.envelopeTo());
        x.leaf("envelope_from", r.envelopeFrom());
        x.leaf("header_from", r.headerFrom());
        x.close();
        x.open("auth_results");
        for (DmarcReportStore.AuthResult d : r.dkim()) {
            x.open("dkim");
            x.leaf("domain", d.domain());
            if (!d.qualifier().isEmpty()) x.leaf("selector", d.qualifier());
            x.leaf("result", d.result());
            x.close();
        }
        // The schema wants at least one spf element: a message SPF said nothing about gets "none".
        List<DmarcReportStore.AuthResult> spf = r.spf().isEmpty()
                ? List.of(new DmarcReportStore.AuthResult(r.envelopeFrom(), "mfrom", "none")) : r.spf();
        for (DmarcReportStore.AuthResult s : spf) {
            x.open("spf");
            x.leaf("domain", s.domain());
            x.leaf("scope", s.qualifier());
            x.leaf("result", s.result());
            x.close();
        }
        x.close();
        x.close();
    }

    /** Two spaces per level, so a person opening the report can read it. */
    private static final class Indenting {
        private final XMLStreamWriter w;
        private int depth;

        Indenting(XMLStreamWriter w) {
            this.w = w;
        }

        void open(String name) throws XMLStreamException {
            w.writeCharacters("\n" + "  ".repeat(depth++));
            w.writeStartElement(name);
        }

        void leaf(String name, String text) throws XMLStreamException {
            w.writeCharacters("\n" + "  ".repeat(depth));
            w.writeStartElement(name);
            w.writeCharacters(text);
            w.writeEndElement();
        }

        void close() throws XMLStreamException {
            w.writeCharacters("\n" + "  ".repeat(--depth));
            w.writeEndElement();
        }
    }
}
