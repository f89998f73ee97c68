package dev.letterbox.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rspamd, started for one test class from its own minimal configuration in a temp dir: a
 * proxy worker speaking milter (scanning by itself) on a loopback port and a Unix socket, and a
 * controller on another loopback port. Optionally a redis-server on a Unix socket in the same dir,
 * which rspamd's Bayes classifier needs for learning.
 *
 * <p>Nothing leaves the machine: the configuration loads no rule modules (no RBL, SPF, DKIM, fuzzy or
 * URL lookups) and points rspamd's resolver at a closed loopback port. GTUBE needs no module (rspamd
 * recognises it while parsing); with {@code quarantine_on_reject} its "reject" action reaches the MTA
 * as a quarantine, so GTUBE is filed as spam instead of refused.
 *
 * <p>With {@link #startWithAntivirus} it also loads rspamd's antivirus module (a ClamAV scanner at
 * a loopback port: {@link FakeClamd} in tests, whose verdict is the symbol {@code CLAM_VIRUS}) and
 * its milter_headers module with {@code extended_spam_headers}, so the milter answer lists the
 * symbols in {@code X-Spamd-Result}.
 *
 * <p>Skipped when rspamd (or redis-server, if asked for) is not installed, except in CI
 * ({@code LETTERBOX_REQUIRE_TOOLS=1}), where .ci/run installs both.
 */
public final class RspamdServer implements AutoCloseable {
    public static final String PASSWORD = "letterbox-test-password";

    private final Path dir;
    private final int milterPort;
    private final int controllerPort;
    private final List<Process> processes = new ArrayList<>();
    private Process rspamd;
    /** The ClamAV scanner's loopback port, or 0 for no antivirus module. */
    private int clamdPort;

    private RspamdServer(Path dir, int milterPort, int controllerPort) {
        this.dir = dir;
        this.milterPort = milterPort;
        this.controllerPort = controllerPort;
    }

    /** Starts rspamd (and redis-server when {@code withRedis}) in {@code dir}; ready when this returns. */
    public static RspamdServer start(Path dir, boolean withRedis) throws IOException, InterruptedException {
        requireTool("/usr/bin/rspamd", "rspamd");
        if (withRedis) requireTool("/usr/bin/redis-server", "redis-server");
        RspamdServer server = new RspamdServer(dir, freePort(), freePort());
        try {
            if (withRedis) server.startRedis();
            server.writeConfig(withRedis);
            server.startRspamd();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** As {@link #start}, with the antivirus module scanning at the ClamAV daemon on loopback port {@code clamdPort}. */
    public static RspamdServer startWithAntivirus(Path dir, int clamdPort) throws IOException, InterruptedException {
        requireTool("/usr/bin/rspamd", "rspamd");
        RspamdServer server = new RspamdServer(dir, freePort(), freePort());
        server.clamdPort = clamdPort;
        try {
            server.writeConfig(false);
            server.startRspamd();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code inet:127.0.0.1:PORT} of the milter worker. */
    public String milterAddress() {
        return "inet:127.0.0.1:" + milterPort;
    }

    /** {@code unix:PATH} of the same milter worker. */
    public String milterSocketAddress() {
        return "unix:" + dir.resolve("milter.sock");
    }

    /** The controller's base URI (learning, statistics). */
    public URI controller() {
        return URI.create("http://127.0.0.1:" + controllerPort + "/");
    }

    /** Stops rspamd (redis keeps running): what a crashed or stopped filter looks like. */
    public void stopRspamd() throws InterruptedException {
        if (rspamd != null) stop(rspamd);
    }

    /** The tail of rspamd's log, for assertion messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("rspamd.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no rspamd log: " + e.getMessage() + ")";
        }
    }

    private void startRedis() throws IOException, InterruptedException {
        Path socket = dir.resolve("redis.sock");
        Process redis = new ProcessBuilder("/usr/bin/redis-server",
                "--port", "0", "--unixsocket", socket.toString(), "--unixsocketperm", "700",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        processes.add(redis);
        awaitReady(redis, () -> canConnect(UnixDomainSocketAddress.of(socket)), "redis-server", dir.resolve("redis.log"));
    }

    private void writeConfig(boolean withRedis) throws IOException {
        // rspamd compiles its public-suffix list at start (~10 s for the full list); ours needs a few entries.
        Files.writeString(dir.resolve("tld.dat"), "com\nnet\norg\ntest\nexample\ninvalid\n");
        String d = dir.toString();
        String config = """
                options {
                  pidfile = "%1$s/rspamd.pid";
                  filters = "";
                  url_tld = "%1$s/tld.dat";
                  disable_hyperscan = true;
                  enable_test_patterns = true;
                  local_addrs = [];
                  hs_cache_dir = "%1$s/";
                  cache_file = "%1$s/symbols.cache";
                  dynamic_conf = "%1$s/rspamd_dynamic";
                  history_file = "%1$s/rspamd.history";
                  stats_file = "%1$s/stats.ucl";
                  control_socket = "%1$s/control.sock mode=0600";
                  tempdir = "%1$s";
                  dns { nameserver = ["127.0.0.1:9"]; timeout = 1s; retransmits = 1; }
                }
                logging { type = "file"; filename = "%1$s/rspamd.log"; level = "info"; }
                actions { reject = 15; add_header = 6; }
                worker "rspamd_proxy" {
                  bind_socket = "127.0.0.1:%2$d";
                  bind_socket = "%1$s/milter.sock mode=0600";
                  milter = yes;
                  timeout = 30s;
                  count = 1;
                  upstream "local" { default = yes; self_scan = yes; }
                  quarantine_on_reject = true;
                  spam_header = "X-Spam";
                }
                worker "controller" {
                  bind_socket = "127.0.0.1:%3$d";
                  count = 1;
                  password = "%4$s";
                  secure_ip = "192.0.2.1";
                  static_dir = "%1$s";
                }
                """.formatted(d, milterPort, controllerPort, PASSWORD);
        if (withRedis) {
            config += """
                    classifier "bayes" {
                      tokenizer { name = "osb"; }
                      backend = "redis";
                      new_schema = true;
                      servers = "%1$s/redis.sock";
                      min_tokens = 11;
                      min_learns = 1;
                      statfile { symbol = "BAYES_HAM"; spam = false; }
                      statfile { symbol = "BAYES_SPAM"; spam = true; }
                    }
                    """.formatted(d);
        }
        if (clamdPort != 0) {
            config += """
                    modules { path = "/usr/share/rspamd/plugins/antivirus.lua"; path = "/usr/share/rspamd/plugins/milter_headers.lua"; }
                    antivirus {
                      clamav { type = "clamav"; symbol = "CLAM_VIRUS"; servers = "127.0.0.1:%1$d"; scan_mime_parts = false; timeout = 10s; }
                    }
                    # skip_local: the tests send from loopback, which milter_headers otherwise leaves alone
                    milter_headers { use = []; extended_spam_headers = true; skip_local = false; }
                    """.formatted(clamdPort);
        }
        Files.writeString(dir.resolve("rspamd.conf"), config);
    }

    private void startRspamd() throws IOException, InterruptedException {
        // -f: stay in the foreground so the Process is the master; -i: tests may run as root.
        rspamd = new ProcessBuilder("/usr/bin/rspamd", "-f", "-i", "-c", dir.resolve("rspamd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rspamd.out").toFile()).start();
        processes.add(rspamd);
        awaitReady(rspamd, () -> canConnect(new InetSocketAddress(InetAddress.getLoopbackAddress(), milterPort))
                        && canConnect(new InetSocketAddress(InetAddress.getLoopbackAddress(), controllerPort))
                        && canConnect(UnixDomainSocketAddress.of(dir.resolve("milter.sock"))),
                "rspamd", dir.resolve("rspamd.log"));
    }

    private interface Probe {
        boolean ready() throws IOException;
    }

    private void awaitReady(Process p, Probe probe, String what, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException(what + " exited with " + p.exitValue() + ":\n" + tail(log));
            if (probe.ready()) return;
            Thread.sleep(50);
        }
        throw new IOException(what + " did not start listening within 60 s:\n" + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static boolean canConnect(java.net.SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            if (!Files.exists(unix.getPath())) return false;
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(unix);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        try (Socket s = new Socket()) {
            s.connect(address, 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void requireTool(String path, String name) {
        boolean installed = Files.isExecutable(Path.of(path));
        if (!"1".equals(System.getenv("LETTERBOX_REQUIRE_TOOLS"))) assumeTrue(installed, name + " not installed");
        if (!installed) throw new IllegalStateException(name + " is required (LETTERBOX_REQUIRE_TOOLS=1) but missing: " + path);
    }

    private static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) return;
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy(); // SIGTERM: rspamd's master stops its workers
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        for (ProcessHandle child : children) {
            if (child.isAlive()) child.destroyForcibly();
        }
    }

    @Override
    public void close() {
        try {
            for (int i = processes.size() - 1; i >= 0; i--) stop(processes.get(i));
        } catch (InterruptedException e) {
            processes.forEach(Process::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }
}
