package dev.letterbox.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Command lines to records, and to the RFC 5321 / 3463 reply they must get when malformed. */
class SmtpParserTest {
    private static SmtpCommand parse(String line) throws SmtpSyntaxException {
        return SmtpParser.parse(line);
    }

    private static String refusal(String line) {
        SmtpSyntaxException e = assertThrows(SmtpSyntaxException.class, () -> parse(line), line);
        return e.reply().code() + " " + e.reply().enhanced().orElse("");
    }

    @Test
    void simpleCommands() throws Exception {
        assertEquals(new SmtpCommand.Ehlo("client.example.org"), parse("EHLO client.example.org"));
        assertEquals(new SmtpCommand.Ehlo("[192.0.2.1]"), parse("ehlo [192.0.2.1]"));
        assertEquals(new SmtpCommand.Helo("x"), parse("HELO x"));
        assertEquals(new SmtpCommand.Data(), parse("DATA"));
        assertEquals(new SmtpCommand.Rset(), parse("rset"));
        assertEquals(new SmtpCommand.Noop(), parse("NOOP anything"));
        assertEquals(new SmtpCommand.Quit(), parse("QUIT"));
        assertEquals(new SmtpCommand.Vrfy("postmaster"), parse("VRFY postmaster"));
        assertEquals(new SmtpCommand.Help(Optional.empty()), parse("HELP"));
        assertEquals(new SmtpCommand.StartTls(), parse("STARTTLS"));
        assertEquals(new SmtpCommand.Bdat(1000, false), parse("BDAT 1000"));
        assertEquals(new SmtpCommand.Bdat(0, true), parse("BDAT 0 LAST"));
        assertEquals(new SmtpCommand.Auth("PLAIN", Optional.of("AGEAYg==")), parse("AUTH plain AGEAYg=="));
        assertEquals(new SmtpCommand.Auth("PLAIN", Optional.of("")), parse("AUTH PLAIN ="));
        assertEquals(new SmtpCommand.Auth("LOGIN", Optional.empty()), parse("AUTH LOGIN"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "FOO|500 5.5.2",
            "''|500 5.5.2",
            "EHLO|501 5.5.4",
            "DATA now|501 5.5.4",
            "QUIT please|501 5.5.4",
            "STARTTLS x|501 5.5.4",
            "BDAT|501 5.5.4",
            "BDAT -1|501 5.5.4",
            "BDAT 10 FIRST|501 5.5.4",
            "AUTH|501 5.5.4",
            "AUTH PLAIN a b|501 5.5.4",
            "AUTH PLAIN !!!|501 5.5.2",
            "MAIL TO:<a@b.example>|501 5.5.4",
            "MAIL FROM:a@b.example|501 5.1.7",
            "MAIL FROM:<a@b.example> SIZE=big|501 5.5.4",
            "MAIL FROM:<a@b.example> SIZE=1 SIZE=2|501 5.5.4",
            "MAIL FROM:<a@b.example> BODY=9BIT|501 5.5.4",
            "MAIL FROM:<a@b.example> FOO=BAR|555 5.5.4",
            "MAIL FROM:<a@b.example> RET=ALL|501 5.5.4",
            "MAIL FROM:<a@b.example> ENVID=a=b|501 5.5.4",
            "MAIL FROM:<a@b.example> SMTPUTF8=yes|501 5.5.4",
            "RCPT TO:<>|501 5.1.3",
            "RCPT TO:<user>|501 5.1.3",
            "RCPT TO:<user@>|501 5.1.3",
            "RCPT TO:<@a.example:>|501 5.1.3",
            "RCPT TO:<user@-bad.example>|501 5.1.3",
            "RCPT TO:<user@bad..example>|501 5.1.3",
            "RCPT TO:<.user@b.example>|501 5.1.3",
            "RCPT TO:<us..er@b.example>|501 5.1.3",
            "RCPT TO:<\"unterminated@b.example>|501 5.1.3",
            "RCPT TO:<user@b.example> NOTIFY=SOMETIMES|501 5.5.4",
            "RCPT TO:<user@b.example> NOTIFY=NEVER,SUCCESS|501 5.5.4",
            "RCPT TO:<user@b.example> ORCPT=nosemicolon|501 5.5.4",
            "RCPT TO:<user@b.example>junk|501 5.5.4",
            "RCPT TO:<user@[300.1]>|501 5.1.3",
    })
    void malformedCommandsGetTheirCodes(String line, String expected) {
        assertEquals(expected, refusal(line));
    }

    @Test
    void controlCharactersAreRefused() {
        assertEquals("500 5.5.2", refusal("NOOP \0"));
    }

    @Test
    void mailWithParameters() throws Exception {
        var m = (SmtpCommand.Mail) parse("MAIL FROM:<a@b.example> SIZE=12345 BODY=8bitmime SMTPUTF8 RET=HDRS ENVID=QQ+2B1 AUTH=<>");
        assertEquals(Optional.of(new Mailbox("a", "b.example")), m.from());
        assertEquals(OptionalLong.of(12345), m.params().size());
        assertEquals(Optional.of(MailParameters.Body.EIGHT_BIT_MIME), m.params().body());
        assertTrue(m.params().smtputf8());
        assertEquals(Optional.of(MailParameters.Ret.HDRS), m.params().ret());
        assertEquals(Optional.of("QQ+1"), m.params().envId());
        assertEquals(Optional.of("<>"), m.params().auth());
        var nul = (SmtpCommand.Mail) parse("MAIL FROM:<>");
        assertEquals(Optional.empty(), nul.from());
        var spaced = (SmtpCommand.Mail) parse("MAIL FROM: <a@b.example>");
        assertEquals("a@b.example", spaced.from().orElseThrow().address());
        var huge = (SmtpCommand.Mail) parse("MAIL FROM:<a@b.example> SIZE=99999999999999999999");
        assertEquals(OptionalLong.of(Long.MAX_VALUE), huge.params().size());
    }

    @Test
    void rcptWithDsnParameters() throws Exception {
        var r = (SmtpCommand.Rcpt) parse("RCPT TO:<u@b.example> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;u+40b.example");
        assertEquals(Optional.of(Set.of(RcptParameters.Notify.SUCCESS, RcptParameters.Notify.DELAY)), r.params().notifyOn());
        assertEquals(Optional.of("rfc822;u@b.example"), r.params().orcpt());
        var never = (SmtpCommand.Rcpt) parse("RCPT TO:<u@b.example> NOTIFY=never");
        assertEquals(Optional.of(Set.of()), never.params().notifyOn());
    }

    /** RFC 5321 §4.1.2 and appendix C: source routes parse and vanish; the mailbox alone counts. */
    @Test
    void pathsQuotedSourceRoutedLiteralAndUtf8() throws Exception {
        assertEquals(new Mailbox("user", "c.example"), rcpt("RCPT TO:<@a.example,@b.example:user@c.example>"));
        assertEquals(new Mailbox("user@other.example", "b.example"), rcpt("RCPT TO:<\"user@other.example\"@b.example>"));
        assertEquals("\"user@other.example\"@b.example", rcpt("RCPT TO:<\"user@other.example\"@b.example>").address());
        assertEquals("user@b.example", rcpt("RCPT TO:<\"user\"@b.example>").address(), "a quoted dot-string is the same mailbox");
        assertEquals("\"john doe\"@b.example", rcpt("RCPT TO:<\"john\\ doe\"@b.example>").address());
        assertEquals(new Mailbox("user%other.example", "b.example"), rcpt("RCPT TO:<user%other.example@b.example>"));
        assertEquals(new Mailbox("host!user", "b.example"), rcpt("RCPT TO:<host!user@b.example>"));
        assertEquals(new Mailbox("user", "[192.0.2.1]"), rcpt("RCPT TO:<user@[192.0.2.1]>"));
        assertEquals(new Mailbox("user", "[IPv6:2001:db8::1]"), rcpt("RCPT TO:<user@[IPv6:2001:db8::1]>"));
        assertTrue(rcpt("RCPT TO:<Postmaster>").isBarePostmaster());
        Mailbox utf8 = rcpt("RCPT TO:<用户@例子.example>");
        assertEquals(new Mailbox("用户", "例子.example"), utf8);
        assertFalse(utf8.isAscii());
    }

    @Test
    void pathLengthIsBounded() {
        String local = "a".repeat(65);
        assertEquals("501 5.1.3", refusal("RCPT TO:<" + local + "@b.example>"));
        String longDomain = ("d".repeat(60) + ".").repeat(5) + "example";
        assertEquals("501 5.1.3", refusal("RCPT TO:<u@" + longDomain + ">"));
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] line = {'M', 'A', 'I', 'L', ' ', (byte) 0xff};
        SmtpSyntaxException e = assertThrows(SmtpSyntaxException.class, () -> SmtpParser.parse(line));
        assertEquals(500, e.reply().code());
    }

    private static Mailbox rcpt(String line) throws SmtpSyntaxException {
        return ((SmtpCommand.Rcpt) parse(line)).to();
    }
}
