package dev.letterbox.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Parses XML request bodies with the JDK's DOM parser, hardened: a document type declaration is
 * refused outright (so no external entity, no entity expansion bomb), nothing external is ever
 * fetched, XInclude is off, and the secure-processing limits apply. A malformed body is a 400 with
 * the parser's one-line reason, never a stack trace or a message on the server's stderr.
 */
final class XmlInput {
    private static final DocumentBuilderFactory FACTORY = hardenedFactory();
    private static final ReentrantLock FACTORY_LOCK = new ReentrantLock();

    private XmlInput() {}

    private static DocumentBuilderFactory hardenedFactory() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a hardening feature: " + e.getMessage(), e);
        }
    }

    static Document parse(byte[] body) {
        try {
            DocumentBuilder builder;
            FACTORY_LOCK.lock(); // the factory is not thread-safe; each call gets its own builder
            try {
                builder = FACTORY.newDocumentBuilder();
            } finally {
                FACTORY_LOCK.unlock();
            }
            builder.setErrorHandler(THROWING);
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not allowed");
            });
            return builder.parse(new ByteArrayInputStream(body));
        } catch (SAXException e) {
            throw new HttpError(400, "malformed XML: " + oneLine(e));
        } catch (ParserConfigurationException | IOException e) {
            throw new HttpError(400, "malformed XML");
        }
    }

    /** The first child element of {@code parent} with this local name, in any namespace. */
    static Optional<Element> child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) return Optional.of(e);
        }
        return Optional.empty();
    }

    private static String oneLine(SAXException e) {
        String m = e.getMessage() == null ? "unreadable" : e.getMessage().replaceAll("\\s+", " ").strip();
        if (m.length() > 200) m = m.substring(0, 200);
        if (e instanceof SAXParseException p && p.getLineNumber() > 0) {
            return "line " + p.getLineNumber() + ", column " + p.getColumnNumber() + ": " + m;
        }
        return m;
    }

    private static final ErrorHandler THROWING = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
            // warnings do not make a document unusable
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
