package dev.letterbox.spf;

import static dev.letterbox.spf.SpfResult.Result.FAIL;
import static dev.letterbox.spf.SpfResult.Result.NEUTRAL;
import static dev.letterbox.spf.SpfResult.Result.NONE;
import static dev.letterbox.spf.SpfResult.Result.PASS;
import static dev.letterbox.spf.SpfResult.Result.PERMERROR;
import static dev.letterbox.spf.SpfResult.Result.SOFTFAIL;
import static dev.letterbox.spf.SpfResult.Result.TEMPERROR;
import static dev.letterbox.spf.SpfSuite.NO_EXPLANATION;
import static dev.letterbox.spf.SpfSuite.check;
import static dev.letterbox.spf.SpfSuite.scenario;

import dev.letterbox.spf.SpfSuite.Scenario;
import java.util.List;

/**
 * The first half of the openspf.org RFC 7208 test suite (release 2014.04: rfc7208-tests.yml as
 * shipped with pyspf, by Stuart D. Gathman, Julian Mehnle, Scott Kitterman and others): initial
 * processing, record lookup and selection, record evaluation, and the syntax and semantics of each
 * mechanism. Transcribed by hand into our own table; the section names and case ids are the
 * suite's, so a failure can be looked up there.
 *
 * <p>Where the suite feeds non-ASCII or control bytes, the TXT data uses dnsjava's "\DDD" escapes
 * for the same bytes. "SPF:" records become TXT as the suite's drivers do (see {@link SpfSuite.Zone#spf}).
 */
final class SpfSuiteMechanismScenarios {
    private SpfSuiteMechanismScenarios() {}

    static List<Scenario> all() {
        return List.of(initialProcessing(), recordLookup(), selectingRecords(), recordEvaluation(), allMechanism(),
                ptrMechanism(), aMechanism(), include(), mxMechanism(), exists(), ip4(), ip6());
    }

    static Scenario initialProcessing() {
        return scenario("Initial processing", z -> z
                        .timeout("example.com")
                        .spf("example.net", "v=spf1 -all exp=exp.example.net")
                        .spf("a.example.net", "v=spf1 -all exp=exp.example.net")
                        .txt("exp.example.net", "%{l}")
                        .spf("a12345678901234567890123456789012345678901234567890123456789012.example.com", "v=spf1 -all")
                        .spf("hosed.example.com", "v=spf1 a:\\239\\187\\191garbage.example.net -all")
                        .spf("hosed2.example.com", "v=spf1 \\128a:example.net -all")
                        .spf("hosed3.example.com", "v=spf1 a:example.net \\150all")
                        .spf("nothosed.example.com", "v=spf1 a:example.net -all").spf("nothosed.example.com", "\\150")
                        .spf("ctrl.example.com", "v=spf1 a:ctrl.example.com\\013ptr -all").a("ctrl.example.com", "192.0.2.3")
                        .spf("fine.example.com", "v=spf1 a  -all")
                        .spf("trail.example.com", "v=spf1 a -all ")
                        .strings("null.example.com", "v=spf1 ip4:", "192.0.2.5 -all").strings("null.example.com")
                        .spf("badip.example.com", "v=spf1 ip4:192.0.2.5\\010 include:spf.protection.outlook.com ~all"),
                check("toolonglabel", "mail.example.net", "1.2.3.5",
                        "lyme.eater@A123456789012345678901234567890123456789012345678901234567890123.example.com", NONE),
                check("longlabel", "mail.example.net", "1.2.3.5",
                        "lyme.eater@A12345678901234567890123456789012345678901234567890123456789012.example.com", FAIL),
                check("emptylabel", "mail.example.net", "1.2.3.5", "lyme.eater@A...example.com", NONE),
                check("helo-not-fqdn", "A2345678", "1.2.3.5", "", NONE),
                check("helo-domain-literal", "[1.2.3.5]", "1.2.3.5", "", NONE),
                check("nolocalpart", "mail.example.net", "1.2.3.4", "@example.net", FAIL).explained("postmaster"),
                check("domain-literal", "OEMCOMPUTER", "1.2.3.5", "foo@[1.2.3.5]", NONE),
                check("non-ascii-policy", "hosed", "1.2.3.4", "foobar@hosed.example.com", PERMERROR),
                check("non-ascii-mech", "hosed", "1.2.3.4", "foobar@hosed2.example.com", PERMERROR),
                check("non-ascii-result", "hosed", "1.2.3.4", "foobar@hosed3.example.com", PERMERROR),
                check("non-ascii-non-spf", "hosed", "1.2.3.4", "foobar@nothosed.example.com", FAIL).explained(NO_EXPLANATION),
                check("control-char-policy", "hosed", "192.0.2.3", "foobar@ctrl.example.com", PERMERROR),
                check("two-spaces", "hosed", "1.2.3.4", "actually@fine.example.com", FAIL),
                check("trailing-space", "hosed", "192.0.2.5", "silly@trail.example.com", FAIL),
                check("null-text", "hosed", "192.0.2.5", "silly@null.example.com", PASS),
                check("badip4", "foobar", "192.0.2.5", "oops@badip.example.com", PERMERROR));
    }

    static Scenario recordLookup() {
        // "spftimeout" has its TXT answered and only type-SPF queries time out; we never ask for type SPF.
        return scenario("Record lookup", z -> z
                        .txt("both.example.net", "v=spf1 -all").spfType("both.example.net", "v=spf1 -all")
                        .txt("txtonly.example.net", "v=spf1 -all")
                        .spfType("spfonly.example.net", "v=spf1 -all")
                        .txt("spftimeout.example.net", "v=spf1 -all")
                        .spfType("txttimeout.example.net", "v=spf1 -all").timeout("txttimeout.example.net")
                        .spfType("nospftxttimeout.example.net", "v=spf3 !a:yahoo.com -all").timeout("nospftxttimeout.example.net")
                        .timeout("alltimeout.example.net"),
                check("both", "mail.example.net", "1.2.3.4", "foo@both.example.net", FAIL),
                check("txtonly", "mail.example.net", "1.2.3.4", "foo@txtonly.example.net", FAIL),
                check("spfonly", "mail.example.net", "1.2.3.4", "foo@spfonly.example.net", NONE),
                check("spftimeout", "mail.example.net", "1.2.3.4", "foo@spftimeout.example.net", FAIL),
                check("txttimeout", "mail.example.net", "1.2.3.4", "foo@txttimeout.example.net", TEMPERROR),
                check("nospftxttimeout", "mail.example.net", "1.2.3.4", "foo@nospftxttimeout.example.net", TEMPERROR),
                check("alltimeout", "mail.example.net", "1.2.3.4", "foo@alltimeout.example.net", TEMPERROR));
    }

    static Scenario selectingRecords() {
        return scenario("Selecting records", z -> z
                        .spf("example3.com", "v=spf10").spf("example3.com", "v=spf1 mx").mx("example3.com", 0, "mail.example1.com")
                        .spf("example1.com", "v=spf1")
                        .strings("example2.com", "v=spf1", "mx")
                        .a("mail.example1.com", "1.2.3.4")
                        .spfType("example4.com", "v=spf1 +all").txt("example4.com", "v=spf1 -all")
                        .spfType("example5.com", "v=spf1 +all").txt("example5.com", "v=spf1 -all").txt("example5.com", "v=spf1 +all")
                        .spf("example6.com", "v=spf1 -all").spf("example6.com", "V=sPf1 +all")
                        .spf("example7.com", "v=spf1 -all").spf("example7.com", "v=spf1 -all")
                        .spfType("example8.com", "V=spf1 -all").spfType("example8.com", "v=spf1 -all")
                        .txt("example8.com", "v=spf1 +all")
                        .spf("example9.com", "v=SpF1 ~all"),
                check("nospace1", "mail.example1.com", "1.2.3.4", "foo@example2.com", NONE),
                check("empty", "mail1.example1.com", "1.2.3.4", "foo@example1.com", NEUTRAL),
                check("nospace2", "mail.example1.com", "1.2.3.4", "foo@example3.com", PASS),
                check("spfoverride", "mail.example1.com", "1.2.3.4", "foo@example4.com", FAIL),
                check("multitxt1", "mail.example1.com", "1.2.3.4", "foo@example5.com", PERMERROR),
                check("multitxt2", "mail.example1.com", "1.2.3.4", "foo@example6.com", PERMERROR),
                check("multispf1", "mail.example1.com", "1.2.3.4", "foo@example7.com", PERMERROR, FAIL),
                check("multispf2", "mail.example1.com", "1.2.3.4", "foo@example8.com", PASS),
                check("nospf", "mail.example1.com", "1.2.3.4", "foo@mail.example1.com", NONE),
                check("case-insensitive", "mail.example1.com", "1.2.3.4", "foo@example9.com", SOFTFAIL));
    }

    static Scenario recordEvaluation() {
        return scenario("Record evaluation", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .spf("t1.example.com", "v=spf1 ip4:1.2.3.4 -all moo")
                        .spf("t2.example.com", "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all")
                        .spf("t3.example.com", "v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all")
                        .spf("t4.example.com", "v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 -all")
                        .spf("t5.example.com", "v=spf1 redirect=t5.example.com ~all")
                        .spf("t6.example.com", "v=spf1 ip4:1.2.3.4 redirect=t2.example.com")
                        .spf("t7.example.com", "v=spf1 ip4:1.2.3.4")
                        .spf("t8.example.com", "v=spf1 ip4:1.2.3.4 redirect:t2.example.com")
                        .spf("t9.example.com", "v=spf1 a:foo-bar -all")
                        .spf("t10.example.com", "v=spf1 a:mail.example...com -all")
                        .spf("t11.example.com", "v=spf1 a:a123456789012345678901234567890123456789012345678901234567890123.example.com -all")
                        .spf("t12.example.com", "v=spf1 a:%{H}.bar -all"),
                check("detect-errors-anywhere", "mail.example.com", "1.2.3.4", "foo@t1.example.com", PERMERROR),
                check("modifier-charset-good", "mail.example.com", "1.2.3.4", "foo@t2.example.com", PASS),
                check("modifier-charset-bad1", "mail.example.com", "1.2.3.4", "foo@t3.example.com", PERMERROR),
                check("modifier-charset-bad2", "mail.example.com", "1.2.3.4", "foo@t4.example.com", PERMERROR),
                check("redirect-after-mechanisms1", "mail.example.com", "1.2.3.4", "foo@t5.example.com", SOFTFAIL),
                check("redirect-after-mechanisms2", "mail.example.com", "1.2.3.5", "foo@t6.example.com", FAIL),
                check("default-result", "mail.example.com", "1.2.3.5", "foo@t7.example.com", NEUTRAL),
                check("redirect-is-modifier", "mail.example.com", "1.2.3.4", "foo@t8.example.com", PERMERROR),
                check("invalid-domain", "mail.example.com", "1.2.3.4", "foo@t9.example.com", PERMERROR),
                check("invalid-domain-empty-label", "mail.example.com", "1.2.3.4", "foo@t10.example.com", FAIL, PERMERROR),
                check("invalid-domain-long", "mail.example.com", "1.2.3.4", "foo@t11.example.com", FAIL, PERMERROR),
                check("invalid-domain-long-via-macro", "%%%%%%%%%%%%%%%%%%%%%%", "1.2.3.4", "foo@t12.example.com",
                        FAIL, PERMERROR));
    }

    static Scenario allMechanism() {
        return scenario("ALL mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .spf("e1.example.com", "v=spf1 -all.")
                        .spf("e2.example.com", "v=spf1 -all:foobar")
                        .spf("e3.example.com", "v=spf1 -all/8")
                        .spf("e4.example.com", "v=spf1 ?all")
                        .spf("e5.example.com", "v=spf1 all -all"),
                check("all-dot", "mail.example.com", "1.2.3.4", "foo@e1.example.com", PERMERROR),
                check("all-arg", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PERMERROR),
                check("all-cidr", "mail.example.com", "1.2.3.4", "foo@e3.example.com", PERMERROR),
                check("all-neutral", "mail.example.com", "1.2.3.4", "foo@e4.example.com", NEUTRAL),
                check("all-double", "mail.example.com", "1.2.3.4", "foo@e5.example.com", PASS));
    }

    static Scenario ptrMechanism() {
        return scenario("PTR mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4").aaaa("mail.example.com", "2001:db8::1")
                        .spf("e1.example.com", "v=spf1 ptr/0 -all")
                        .spf("e2.example.com", "v=spf1 ptr:example.com -all")
                        .ptr("1.2.3.4", "e3.example.com", "e4.example.com", "mail.example.com")
                        .ptr("CAFE:BABE::1", "e3.example.com")
                        .ptr("2001:db8::1", "mail.Example.com")
                        .spf("e3.example.com", "v=spf1 ptr -all").a("e3.example.com", "1.2.3.4").aaaa("e3.example.com", "CAFE:BABE::1")
                        .spf("e4.example.com", "v=spf1 ptr -all")
                        .spf("e5.example.com", "v=spf1 ptr:")
                        .spf("e6.example.com", "v=spf1 ptr:example.Com -all")
                        .spf("loop.example.com", "v=spf1 ptr")
                        .ptr("192.0.2.4", "loop4.example.com")
                        .cname("loop4.example.com", "CNAME.example.com")
                        .cname("cname.example.com", "CNAME.example.com"),
                check("ptr-cidr", "mail.example.com", "1.2.3.4", "foo@e1.example.com", PERMERROR),
                check("ptr-match-target", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PASS),
                check("ptr-match-implicit", "mail.example.com", "1.2.3.4", "foo@e3.example.com", PASS),
                check("ptr-nomatch-invalid", "mail.example.com", "1.2.3.4", "foo@e4.example.com", FAIL),
                check("ptr-match-ip6", "mail.example.com", "CAFE:BABE::1", "foo@e3.example.com", PASS),
                check("ptr-empty-domain", "mail.example.com", "1.2.3.4", "foo@e5.example.com", PERMERROR),
                check("ptr-case-change", "mail.example.com", "2001:db8::1", "bar@e6.example.com", PASS),
                check("ptr-cname-loop", "loop.example.com", "192.0.2.4", "postmaster@loop.example.com", NEUTRAL));
    }

    static Scenario aMechanism() {
        return scenario("A mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .spf("e1.example.com", "v=spf1 a/0 -all")
                        .a("e2.example.com", "1.1.1.1").aaaa("e2.example.com", "1234::2").spf("e2.example.com", "v=spf1 a/0 -all")
                        .aaaa("e2a.example.com", "1234::1").spf("e2a.example.com", "v=spf1 a//0 -all")
                        .a("e2b.example.com", "1.1.1.1").spf("e2b.example.com", "v=spf1 a//0 -all")
                        .aaaa("ipv6.example.com", "1234::1").a("ipv6.example.com", "1.1.1.1").spf("ipv6.example.com", "v=spf1 a -all")
                        .spf("e3.example.com", "v=spf1 a:foo.example.com\\000")
                        .spf("e4.example.com", "v=spf1 a:111.222.33.44")
                        .spf("e5.example.com", "v=spf1 a:abc.123")
                        .spf("e5a.example.com", "v=spf1 a:museum")
                        .spf("e5b.example.com", "v=spf1 a:museum.")
                        .spf("e6.example.com", "v=spf1 a//33 -all")
                        .spf("e6a.example.com", "v=spf1 a/33 -all")
                        .spf("e7.example.com", "v=spf1 a//129 -all")
                        .a("e8.example.com", "1.2.3.5").aaaa("e8.example.com", "2001:db8:1234::dead:beef")
                        .spf("e8.example.com", "v=spf1 a/24//64 -all")
                        .a("e8e.example.com", "1.2.3.5").aaaa("e8e.example.com", "2001:db8:1234::dead:beef")
                        .spf("e8e.example.com", "v=spf1 a/24/64 -all")
                        .a("e8a.example.com", "1.2.3.5").aaaa("e8a.example.com", "2001:db8:1234::dead:beef")
                        .spf("e8a.example.com", "v=spf1 a/24 -all")
                        .a("e8b.example.com", "1.2.3.5").aaaa("e8b.example.com", "2001:db8:1234::dead:beef")
                        .spf("e8b.example.com", "v=spf1 a//64 -all")
                        .spf("e9.example.com", "v=spf1 a:example.com:8080")
                        .spf("e10.example.com", "v=spf1 a:foo.example.com/24")
                        .a("foo.example.com", "1.1.1.1", "1.2.3.5")
                        .spf("e11.example.com", "v=spf1 a:foo:bar/baz.example.com")
                        .a("foo:bar/baz.example.com", "1.2.3.4")
                        .spf("e12.example.com", "v=spf1 a:example.-com")
                        .spf("e13.example.com", "v=spf1 a:")
                        .spf("e14.example.com", "v=spf1 a:foo.example.xn--zckzah -all")
                        .a("foo.example.xn--zckzah", "1.2.3.4"),
                check("a-cidr6", "mail.example.com", "1.2.3.4", "foo@e6.example.com", FAIL),
                check("a-bad-cidr4", "mail.example.com", "1.2.3.4", "foo@e6a.example.com", PERMERROR),
                check("a-bad-cidr6", "mail.example.com", "1.2.3.4", "foo@e7.example.com", PERMERROR),
                check("a-dual-cidr-ip4-match", "mail.example.com", "1.2.3.4", "foo@e8.example.com", PASS),
                check("a-dual-cidr-ip4-err", "mail.example.com", "1.2.3.4", "foo@e8e.example.com", PERMERROR),
                check("a-dual-cidr-ip6-match", "mail.example.com", "2001:db8:1234::cafe:babe", "foo@e8.example.com", PASS),
                check("a-dual-cidr-ip4-default", "mail.example.com", "1.2.3.4", "foo@e8b.example.com", FAIL),
                check("a-dual-cidr-ip6-default", "mail.example.com", "2001:db8:1234::cafe:babe", "foo@e8a.example.com", FAIL),
                check("a-multi-ip1", "mail.example.com", "1.2.3.4", "foo@e10.example.com", PASS),
                check("a-multi-ip2", "mail.example.com", "1.2.3.4", "foo@e10.example.com", PASS),
                check("a-bad-domain", "mail.example.com", "1.2.3.4", "foo@e9.example.com", PERMERROR),
                check("a-nxdomain", "mail.example.com", "1.2.3.4", "foo@e1.example.com", FAIL),
                check("a-cidr4-0", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PASS),
                check("a-cidr4-0-ip6", "mail.example.com", "1234::1", "foo@e2.example.com", FAIL),
                check("a-cidr6-0-ip4", "mail.example.com", "1.2.3.4", "foo@e2a.example.com", FAIL),
                check("a-cidr6-0-ip4mapped", "mail.example.com", "::FFFF:1.2.3.4", "foo@e2a.example.com", FAIL),
                check("a-cidr6-0-ip6", "mail.example.com", "1234::1", "foo@e2a.example.com", PASS),
                check("a-ip6-dualstack", "mail.example.com", "1234::1", "foo@ipv6.example.com", PASS),
                check("a-cidr6-0-nxdomain", "mail.example.com", "1234::1", "foo@e2b.example.com", FAIL),
                check("a-null", "mail.example.com", "1.2.3.5", "foo@e3.example.com", PERMERROR),
                check("a-numeric", "mail.example.com", "1.2.3.4", "foo@e4.example.com", PERMERROR),
                check("a-numeric-toplabel", "mail.example.com", "1.2.3.4", "foo@e5.example.com", PERMERROR),
                check("a-dash-in-toplabel", "mail.example.com", "1.2.3.4", "foo@e14.example.com", PASS),
                check("a-bad-toplabel", "mail.example.com", "1.2.3.4", "foo@e12.example.com", PERMERROR),
                check("a-only-toplabel", "mail.example.com", "1.2.3.4", "foo@e5a.example.com", PERMERROR),
                check("a-only-toplabel-trailing-dot", "mail.example.com", "1.2.3.4", "foo@e5b.example.com", PERMERROR),
                check("a-colon-domain", "mail.example.com", "1.2.3.4", "foo@e11.example.com", PASS),
                check("a-colon-domain-ip4mapped", "mail.example.com", "::FFFF:1.2.3.4", "foo@e11.example.com", PASS),
                check("a-empty-domain", "mail.example.com", "1.2.3.4", "foo@e13.example.com", PERMERROR));
    }

    static Scenario include() {
        return scenario("Include mechanism semantics and syntax", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .spf("ip5.example.com", "v=spf1 ip4:1.2.3.5 -all")
                        .spf("ip6.example.com", "v=spf1 ip4:1.2.3.6 ~all")
                        .spf("ip7.example.com", "v=spf1 ip4:1.2.3.7 ?all")
                        .timeout("ip8.example.com")
                        .txt("erehwon.example.com", "v=spfl am not an SPF record")
                        .spf("e1.example.com", "v=spf1 include:ip5.example.com ~all")
                        .spf("e2.example.com", "v=spf1 include:ip6.example.com all")
                        .spf("e3.example.com", "v=spf1 include:ip7.example.com -all")
                        .spf("e4.example.com", "v=spf1 include:ip8.example.com -all")
                        .spf("e5.example.com", "v=spf1 include:e6.example.com -all")
                        .spf("e6.example.com", "v=spf1 include +all")
                        .spf("e7.example.com", "v=spf1 include:erehwon.example.com -all")
                        .spf("e8.example.com", "v=spf1 include: -all")
                        .spf("e9.example.com", "v=spf1 include:ip5.example.com/24 -all"),
                check("include-fail", "mail.example.com", "1.2.3.4", "foo@e1.example.com", SOFTFAIL),
                check("include-softfail", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PASS),
                check("include-neutral", "mail.example.com", "1.2.3.4", "foo@e3.example.com", FAIL),
                check("include-temperror", "mail.example.com", "1.2.3.4", "foo@e4.example.com", TEMPERROR),
                check("include-permerror", "mail.example.com", "1.2.3.4", "foo@e5.example.com", PERMERROR),
                check("include-syntax-error", "mail.example.com", "1.2.3.4", "foo@e6.example.com", PERMERROR),
                check("include-cidr", "mail.example.com", "1.2.3.4", "foo@e9.example.com", PERMERROR),
                check("include-none", "mail.example.com", "1.2.3.4", "foo@e7.example.com", PERMERROR),
                check("include-empty-domain", "mail.example.com", "1.2.3.4", "foo@e8.example.com", PERMERROR));
    }

    static Scenario mxMechanism() {
        return scenario("MX mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4").mx("mail.example.com", 0, "").spf("mail.example.com", "v=spf1 mx")
                        .spf("e1.example.com", "v=spf1 mx/0 -all").mx("e1.example.com", 0, "e1.example.com")
                        .a("e2.example.com", "1.1.1.1").aaaa("e2.example.com", "1234::2").mx("e2.example.com", 0, "e2.example.com")
                        .spf("e2.example.com", "v=spf1 mx/0 -all")
                        .aaaa("e2a.example.com", "1234::1").mx("e2a.example.com", 0, "e2a.example.com")
                        .spf("e2a.example.com", "v=spf1 mx//0 -all")
                        .a("e2b.example.com", "1.1.1.1").mx("e2b.example.com", 0, "e2b.example.com")
                        .spf("e2b.example.com", "v=spf1 mx//0 -all")
                        .spf("e3.example.com", "v=spf1 mx:foo.example.com\\000")
                        .spf("e4.example.com", "v=spf1 mx").a("e4.example.com", "1.2.3.4")
                        .spf("e5.example.com", "v=spf1 mx:abc.123")
                        .spf("e6.example.com", "v=spf1 mx//33 -all")
                        .spf("e6a.example.com", "v=spf1 mx/33 -all")
                        .spf("e7.example.com", "v=spf1 mx//129 -all")
                        .spf("e9.example.com", "v=spf1 mx:example.com:8080")
                        .spf("e10.example.com", "v=spf1 mx:foo.example.com/24")
                        .mx("foo.example.com", 0, "foo1.example.com")
                        .a("foo1.example.com", "1.1.1.1", "1.2.3.5")
                        .spf("e11.example.com", "v=spf1 mx:foo:bar/baz.example.com")
                        .mx("foo:bar/baz.example.com", 0, "foo:bar/baz.example.com").a("foo:bar/baz.example.com", "1.2.3.4")
                        .spf("e12.example.com", "v=spf1 mx:example.-com")
                        .spf("e13.example.com", "v=spf1 mx: -all"),
                check("mx-cidr6", "mail.example.com", "1.2.3.4", "foo@e6.example.com", FAIL),
                check("mx-bad-cidr4", "mail.example.com", "1.2.3.4", "foo@e6a.example.com", PERMERROR),
                check("mx-bad-cidr6", "mail.example.com", "1.2.3.4", "foo@e7.example.com", PERMERROR),
                check("mx-multi-ip1", "mail.example.com", "1.2.3.4", "foo@e10.example.com", PASS),
                check("mx-multi-ip2", "mail.example.com", "1.2.3.4", "foo@e10.example.com", PASS),
                check("mx-bad-domain", "mail.example.com", "1.2.3.4", "foo@e9.example.com", PERMERROR),
                check("mx-nxdomain", "mail.example.com", "1.2.3.4", "foo@e1.example.com", FAIL),
                check("mx-cidr4-0", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PASS),
                check("mx-cidr4-0-ip6", "mail.example.com", "1234::1", "foo@e2.example.com", FAIL),
                check("mx-cidr6-0-ip4", "mail.example.com", "1.2.3.4", "foo@e2a.example.com", FAIL),
                check("mx-cidr6-0-ip4mapped", "mail.example.com", "::FFFF:1.2.3.4", "foo@e2a.example.com", FAIL),
                check("mx-cidr6-0-ip6", "mail.example.com", "1234::1", "foo@e2a.example.com", PASS),
                check("mx-cidr6-0-nxdomain", "mail.example.com", "1234::1", "foo@e2b.example.com", FAIL),
                check("mx-null", "mail.example.com", "1.2.3.5", "foo@e3.example.com", PERMERROR),
                check("mx-numeric-top-label", "mail.example.com", "1.2.3.4", "foo@e5.example.com", PERMERROR),
                check("mx-colon-domain", "mail.example.com", "1.2.3.4", "foo@e11.example.com", PASS),
                check("mx-colon-domain-ip4mapped", "mail.example.com", "::FFFF:1.2.3.4", "foo@e11.example.com", PASS),
                check("mx-bad-toplab", "mail.example.com", "1.2.3.4", "foo@e12.example.com", PERMERROR),
                check("mx-empty", "mail.example.com", "1.2.3.4", "", NEUTRAL),
                check("mx-implicit", "mail.example.com", "1.2.3.4", "foo@e4.example.com", NEUTRAL),
                check("mx-empty-domain", "mail.example.com", "1.2.3.4", "foo@e13.example.com", PERMERROR));
    }

    static Scenario exists() {
        return scenario("EXISTS mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .aaaa("mail6.example.com", "CAFE:BABE::4")
                        .timeout("err.example.com")
                        .spf("e1.example.com", "v=spf1 exists:")
                        .spf("e2.example.com", "v=spf1 exists")
                        .spf("e3.example.com", "v=spf1 exists:mail.example.com/24")
                        .spf("e4.example.com", "v=spf1 exists:mail.example.com")
                        .spf("e5.example.com", "v=spf1 exists:mail6.example.com -all")
                        .spf("e6.example.com", "v=spf1 exists:err.example.com -all"),
                check("exists-empty-domain", "mail.example.com", "1.2.3.4", "foo@e1.example.com", PERMERROR),
                check("exists-implicit", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PERMERROR),
                check("exists-cidr", "mail.example.com", "1.2.3.4", "foo@e3.example.com", PERMERROR),
                check("exists-ip4", "mail.example.com", "1.2.3.4", "foo@e4.example.com", PASS),
                check("exists-ip6", "mail.example.com", "CAFE:BABE::3", "foo@e4.example.com", PASS),
                check("exists-ip6only", "mail.example.com", "CAFE:BABE::3", "foo@e5.example.com", FAIL),
                check("exists-dnserr", "mail.example.com", "CAFE:BABE::3", "foo@e6.example.com", TEMPERROR));
    }

    static Scenario ip4() {
        return scenario("IP4 mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .spf("e1.example.com", "v=spf1 ip4:1.1.1.1/0 -all")
                        .spf("e2.example.com", "v=spf1 ip4:1.2.3.4/32 -all")
                        .spf("e3.example.com", "v=spf1 ip4:1.2.3.4/33 -all")
                        .spf("e4.example.com", "v=spf1 ip4:1.2.3.4/032 -all")
                        .spf("e5.example.com", "v=spf1 ip4")
                        .spf("e6.example.com", "v=spf1 ip4:1.2.3.4//32")
                        .spf("e7.example.com", "v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4")
                        .spf("e8.example.com", "v=spf1 ip4:1.2.3.4:8080")
                        .spf("e9.example.com", "v=spf1 ip4:1.2.3"),
                check("cidr4-0", "mail.example.com", "1.2.3.4", "foo@e1.example.com", PASS),
                check("cidr4-32", "mail.example.com", "1.2.3.4", "foo@e2.example.com", PASS),
                check("cidr4-33", "mail.example.com", "1.2.3.4", "foo@e3.example.com", PERMERROR),
                check("cidr4-032", "mail.example.com", "1.2.3.4", "foo@e4.example.com", PERMERROR),
                check("bare-ip4", "mail.example.com", "1.2.3.4", "foo@e5.example.com", PERMERROR),
                check("bad-ip4-port", "mail.example.com", "1.2.3.4", "foo@e8.example.com", PERMERROR),
                check("bad-ip4-short", "mail.example.com", "1.2.3.4", "foo@e9.example.com", PERMERROR),
                check("ip4-dual-cidr", "mail.example.com", "1.2.3.4", "foo@e6.example.com", PERMERROR),
                check("ip4-mapped-ip6", "mail.example.com", "::FFFF:1.2.3.4", "foo@e7.example.com", FAIL));
    }

    static Scenario ip6() {
        return scenario("IP6 mechanism syntax", z -> z
                        .a("mail.example.com", "1.2.3.4")
                        .spf("e1.example.com", "v=spf1 -all ip6")
                        .spf("e2.example.com", "v=spf1 ip6:::1.1.1.1/0")
                        .spf("e3.example.com", "v=spf1 ip6:::1.1.1.1/129")
                        .spf("e4.example.com", "v=spf1 ip6:::1.1.1.1//33")
                        .spf("e5.example.com", "v=spf1 ip6:Cafe:Babe:8000::/33")
                        .spf("e6.example.com", "v=spf1 ip6::CAFE::BABE"),
                check("bare-ip6", "mail.example.com", "1.2.3.4", "foo@e1.example.com", PERMERROR),
                check("cidr6-0-ip4", "mail.example.com", "1.2.3.4", "foo@e2.example.com", NEUTRAL),
                check("cidr6-ip4", "mail.example.com", "::FFFF:1.2.3.4", "foo@e2.example.com", NEUTRAL),
                check("cidr6-0", "mail.example.com", "DEAF:BABE::CAB:FEE", "foo@e2.example.com", PASS),
                check("cidr6-129", "mail.example.com", "1.2.3.4", "foo@e3.example.com", PERMERROR),
                check("cidr6-bad", "mail.example.com", "1.2.3.4", "foo@e4.example.com", PERMERROR),
                check("cidr6-33", "mail.example.com", "CAFE:BABE:8000::", "foo@e5.example.com", PASS),
                check("cidr6-33-ip4", "mail.example.com", "1.2.3.4", "foo@e5.example.com", NEUTRAL),
                check("ip6-bad1", "mail.example.com", "1.2.3.4", "foo@e6.example.com", PERMERROR));
    }
}
