package dev.letterbox.dmarc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The RFC5322.From domain(s), RFC 7489 §6.6.1: what a reader shows as the sender, found the same way. */
class AuthorTest {

    private static Author parse(String header) {
        byte[] b = header.getBytes(StandardCharsets.UTF_8);
        return Author.fromHeader(b, b.length);
    }

    private static List<String> domains(String fields) {
        return assertInstanceOf(Author.Domains.class, parse(fields + "Subject: x\r\n\r\n"), fields).domains();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "From: john@example.com~| example.com",
            "From: John Doe <john@Example.COM>~| example.com",
            "From: john@example.com (John Doe)~| example.com",
            "From: \"Doe, John\" <john@example.com>~| example.com",
            "From: \"ceo@bank.example\" <x@evil.example>~| evil.example",
            "From: =?utf-8?q?ceo@bank.example?= <x@evil.example>~| evil.example",
            "From: =?utf-8?B?w6l0w6ksIDxhQGIuZXhhbXBsZT4=?= <a@x.example>~| x.example",
            "From: =?iso-8859-1?q?Doe,_John?= <j@x.example>~| x.example",
            "From: a@x(comment).example~| x.example",
            "From: John~ <john@example.com>~| example.com",
            "From:~\tjohn@example.com~| example.com",
            "FROM : a@x.example~| x.example",
            "from:a@x.example~| x.example",
            "From: (a (nested \\) comment) here) a@x.example~| x.example",
            "From: a@x.example.~| x.example",
            "From: <@relay.example,@other.example:a@x.example>~| x.example",
            "From: \"a b\"@x.example~| x.example",
            "From: a @ x . example~| x.example",
            "From: <user@bücher.example>~| xn--bcher-kva.example",
            "From: <user@xn--bcher-kva.example>~| xn--bcher-kva.example",
            "X-From: a@evil.example~From: a@good.example~From-Address: b@evil.example~| good.example",
    })
    void oneDomain(String fields, String domain) {
        assertEquals(List.of(domain), domains(fields.replace("~", "\r\n")));
    }

    @Test
    void severalMailboxesGiveEachDistinctDomainInOrder() {
        assertEquals(List.of("one.example", "two.example"), domains("From: a@one.example, b@two.example, c@one.example\r\n"));
        assertEquals(List.of("one.example", "two.example"), domains("From: Team: a@one.example, B <b@two.example>;\r\n"));
        assertEquals(List.of("one.example", "two.example"), domains("From: <a@one.example> <b@two.example>\r\n"));
        assertEquals(List.of("one.example"), domains("From: a@one.example, , x@[192.0.2.1]\r\n"));
    }

    @Test
    void missingSeveralAndUnusable() {
        assertInstanceOf(Author.Missing.class, parse("Subject: no sender\r\n\r\n"));
        assertInstanceOf(Author.Missing.class, parse("\r\nFrom: body@example.com\r\n"), "a From line in the body is no field");
        assertEquals(new Author.SeveralFields(2), parse("From: a@one.example\r\nTo: x@y.example\r\nfrom: b@two.example\r\n\r\n"));
        assertEquals(new Author.SeveralFields(2), parse("From: a@one.example\r\nFrom: a@one.example\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "From: undisclosed-recipients:;\r\n",
            "From: John Doe\r\n",
            "From: a@[192.0.2.1]\r\n",
            "From: <>\r\n",
            "From: a@\r\n",
            "From: \"ceo@bank.example\"\r\n",
            "From: =?utf-8?q?ceo@bank.example?=\r\n",
            "From: a@bad..example\r\n",
            "From: a@exa mple\r\n.com\r\n",
    })
    void noUsableDomain(String fields) {
        assertInstanceOf(Author.Unusable.class, parse(fields + "\r\n"), fields);
    }

    @Test
    void boundedWork() {
        assertInstanceOf(Author.Unusable.class, parse("From: " + "(".repeat(60) + "a@x.example\r\n\r\n"));
        StringBuilder many = new StringBuilder("From: ");
        for (int i = 0; i < 150; i++) many.append(i == 0 ? "" : ", ").append("a").append(i).append("@x.example");
        assertInstanceOf(Author.Unusable.class, parse(many + "\r\n\r\n"));
        assertInstanceOf(Author.Unusable.class, parse("From: a@x.example (" + "x".repeat(20_000) + ")\r\n\r\n"));
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 1000; i++) fields.append("From: a@x.example\r\n");
        assertInstanceOf(Author.SeveralFields.class, parse(fields + "\r\n"));
    }

    @Test
    void onlyTheHeaderSectionCountsAndATruncatedHeaderIsRead() {
        byte[] b = "Subject: x\r\nFrom: a@x.example\r\n\r\nFrom: b@y.example\r\n".getBytes(StandardCharsets.US_ASCII);
        int end = "Subject: x\r\nFrom: a@x.example\r\n\r\n".length();
        assertEquals(new Author.Domains(List.of("x.example")), Author.fromHeader(b, end));
        byte[] cut = "Subject: x\r\nFrom: a@x.example\r\nX-Long: aaaa".getBytes(StandardCharsets.US_ASCII);
        assertEquals(new Author.Domains(List.of("x.example")), Author.fromHeader(cut, -1));
    }

    @Test
    void bytesThatAreNotUtf8DoNotBreakParsing() {
        byte[] b = "From: \"\u00e9t\u00e9\" <a@x.example>\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new Author.Domains(List.of("x.example")), Author.fromHeader(b, b.length));
    }
}
