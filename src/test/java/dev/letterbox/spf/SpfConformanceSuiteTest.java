package dev.letterbox.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.letterbox.dns.DnsjavaResolver;
import dev.letterbox.testing.TestDnsServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the openspf.org RFC 7208 test suite, as transcribed in {@link SpfSuiteMechanismScenarios}
 * and {@link SpfSuitePolicyScenarios}, against a real loopback DNS server: one server and one
 * resolver (with its cache) per scenario, as a receiving MTA would see it.
 */
class SpfConformanceSuiteTest {
    /** The suite's TIMEOUT entries cost this much each; nothing else comes close to it on loopback. */
    private static final Duration DNS_TIMEOUT = Duration.ofSeconds(1);
    private static final List<TestDnsServer> SERVERS = new ArrayList<>();

    @AfterAll
    static void stopServers() {
        SERVERS.forEach(TestDnsServer::close);
    }

    @TestFactory
    Stream<DynamicContainer> openSpfSuite() throws Exception {
        List<SpfSuite.Scenario> scenarios = new ArrayList<>(SpfSuiteMechanismScenarios.all());
        scenarios.addAll(SpfSuitePolicyScenarios.all());
        List<DynamicContainer> containers = new ArrayList<>();
        for (SpfSuite.Scenario scenario : scenarios) {
            TestDnsServer dns = new TestDnsServer();
            SERVERS.add(dns);
            scenario.zone().load(new SpfSuite.Zone(dns));
            SpfVerifier spf = new SpfVerifier(new DnsjavaResolver(List.of(dns.address()), DNS_TIMEOUT), "receiver.example.net");
            containers.add(DynamicContainer.dynamicContainer(scenario.name(), scenario.cases().stream()
                    .map(c -> DynamicTest.dynamicTest(c.id(), () -> run(spf, c)))));
        }
        return containers.stream();
    }

    @org.junit.jupiter.api.Test
    void everyCaseOfTheSuiteIsTranscribed() {
        int cases = Stream.concat(SpfSuiteMechanismScenarios.all().stream(), SpfSuitePolicyScenarios.all().stream())
                .mapToInt(s -> s.cases().size()).sum();
        assertEquals(203, cases, "rfc7208-tests.yml (2014.04) has 203 cases");
    }

    private static void run(SpfVerifier spf, SpfSuite.Case c) throws Exception {
        SpfResult result = spf.checkMailFrom(InetAddress.getByName(c.host()), c.helo(), c.mailFrom());
        assertTrue(c.results().contains(result.result()),
                () -> c.id() + ": expected " + c.results() + " but got " + result.result() + " (" + result.detail() + ")");
        if (c.explanation() == null) return;
        Optional<String> expected = c.explanation().equals(SpfSuite.NO_EXPLANATION) ? Optional.empty() : Optional.of(c.explanation());
        assertEquals(expected, result.explanation(), c.id() + ": explanation");
    }
}
