package dev.letterbox.message;

import dev.letterbox.message.ContentInfo.Param;
import dev.letterbox.message.Envelope.Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders ENVELOPE and BODY/BODYSTRUCTURE as {@link Node} trees, following the grammar of RFC 3501
 * §9 (body, body-type-1part, body-type-mpart, body-ext-1part, body-ext-mpart, envelope) which RFC
 * 9051 §9 keeps. Text parts without a charset parameter get ("charset" "us-ascii") appended, the
 * default of RFC 2045 §5.2; a missing Content-Transfer-Encoding is "7bit".
 */
final class BodyStructureBuilder {
    private BodyStructureBuilder() {}

    static Node envelope(Envelope e) {
        List<Node> from = addresses(e.from());
        return Node.list(
                Node.textOrNil(e.date()),
                Node.textOrNil(e.subject()),
                listOrNil(from),
                e.sender() == null ? listOrNil(from) : listOrNil(addresses(e.sender())),
                e.replyTo() == null ? listOrNil(from) : listOrNil(addresses(e.replyTo())),
                listOrNil(addresses(e.to())),
                listOrNil(addresses(e.cc())),
                listOrNil(addresses(e.bcc())),
                Node.textOrNil(e.inReplyTo()),
                Node.textOrNil(e.messageId()));
    }

    private static List<Node> addresses(List<Address> list) {
        List<Node> out = new ArrayList<>(list.size());
        for (Address a : list) {
            out.add(Node.list(Node.textOrNil(a.name()), Node.textOrNil(a.adl()), Node.textOrNil(a.mailbox()), Node.textOrNil(a.host())));
        }
        return out;
    }

    private static Node listOrNil(List<Node> items) {
        return items.isEmpty() ? Node.NIL : new Node.ListNode(items);
    }

    /** {@code extensible}: BODYSTRUCTURE (with extension data) rather than BODY. */
    static Node body(MimePart part, boolean extensible) {
        ContentInfo c = part.content();
        List<Node> items = new ArrayList<>();
        if (part.kind() == MimePart.Kind.MULTIPART) {
            for (MimePart child : part.children()) items.add(body(child, extensible));
            items.add(new Node.Text(c.subtype()));
            if (extensible) {
                items.add(params(c.params()));
                addDispositionLanguageLocation(items, c);
            }
            return new Node.ListNode(items);
        }
        items.add(new Node.Text(c.type()));
        items.add(new Node.Text(c.subtype()));
        List<Param> params = c.params();
        if (c.isType("text") && c.param("charset") == null) {
            params = new ArrayList<>(params);
            params.add(new Param("charset", "us-ascii"));
        }
        items.add(params(params));
        items.add(Node.textOrNil(c.id()));
        items.add(Node.textOrNil(c.description()));
        items.add(new Node.Text(c.encoding() == null ? "7bit" : c.encoding()));
        items.add(new Node.Number(part.size()));
        if (part.kind() == MimePart.Kind.MESSAGE) {
            items.add(envelope(part.message().envelope()));
            items.add(body(part.message(), extensible));
            items.add(new Node.Number(part.lines()));
        } else if (c.isType("text")) {
            items.add(new Node.Number(part.lines()));
        }
        if (extensible) {
            items.add(Node.textOrNil(c.md5()));
            addDispositionLanguageLocation(items, c);
        }
        return new Node.ListNode(items);
    }

    private static void addDispositionLanguageLocation(List<Node> items, ContentInfo c) {
        items.add(c.dispositionType() == null ? Node.NIL
                : Node.list(new Node.Text(c.dispositionType()), params(c.dispositionParams())));
        if (c.languages() == null || c.languages().isEmpty()) {
            items.add(Node.NIL);
        } else {
            List<Node> langs = new ArrayList<>();
            for (String l : c.languages()) langs.add(new Node.Text(l));
            items.add(new Node.ListNode(langs));
        }
        items.add(Node.textOrNil(c.location()));
    }

    private static Node params(List<Param> params) {
        if (params.isEmpty()) return Node.NIL;
        List<Node> items = new ArrayList<>(params.size() * 2);
        for (Param p : params) {
            items.add(new Node.Text(p.name()));
            items.add(new Node.Text(p.value()));
        }
        return new Node.ListNode(items);
    }
}
