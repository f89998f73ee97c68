package dev.letterbox.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * An authoritative-only DNS server for tests, over UDP on 127.0.0.1 and an ephemeral port. Answers
 * from records the test adds; unknown names get NXDOMAIN, names marked broken get SERVFAIL.
 */
public final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> broken = ConcurrentHashMap.newKeySet();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Map<Name, AtomicInteger> queryCounts = new ConcurrentHashMap<>();
    private final Map<Name, SOARecord> zones = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile ServerSocket tcpSocket;
    /** The TCP socket bound to the UDP port at construction, until {@link #tcp()} starts serving on it. */
    private ServerSocket reservedTcp;

    public TestDnsServer() throws SocketException {
        this(0);
    }

    public TestDnsServer(int port) throws SocketException {
        DatagramSocket udp = null;
        // the TCP port must be the UDP one (clients fall back on the same port): take both now, so a
        // later tcp() cannot find the TCP side taken by another test (retrying with a new pair)
        for (int attempt = 0; attempt < 50 && reservedTcp == null; attempt++) {
            udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress("127.0.0.1", udp.getLocalPort()));
                reservedTcp = tcp;
            } catch (IOException e) {
                if (port != 0) break; // a fixed port: UDP only, as asked
                udp.close();
                udp = null;
            }
        }
        if (udp == null) throw new SocketException("no free UDP and TCP port pair");
        socket = udp;
        thread = Thread.ofVirtual().name("test-dns").start(this::serve);
    }

    /**
     * For trying servers by hand and for the benches: {@code TestDnsServer PORT RECORD...} with records
     * as {@code mx:DOMAIN:HOST}, {@code a:HOST:IP}, {@code mx0:DOMAIN} (a null MX), {@code
     * txt:NAME:TEXT} (the text may hold colons) or {@code ptr:IP:HOST}; serves until killed.
     */
    public static void main(String[] args) throws Exception {
        TestDnsServer dns = new TestDnsServer(Integer.parseInt(args[0]));
        for (int i = 1; i < args.length; i++) {
            String[] r = args[i].split(":", 3);
            switch (r[0]) {
                case "mx" -> dns.mx(r[1], 10, r[2]);
                case "mx0" -> dns.mx(r[1], 0, ".");
                case "a" -> dns.a(r[1], r[2]);
                case "txt" -> dns.txtLong(r[1], r[2]);
                case "ptr" -> dns.ptr(r[1], r[2]);
                default -> throw new IllegalArgumentException("unknown record " + args[i]);
            }
        }
        System.out.println("DNS on " + dns.address());
        dns.thread.join();
    }

    /** "127.0.0.1:PORT", the form the [dns] servers config key takes. */
    public String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    public TestDnsServer mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, 60, preference, name(host)));
    }

    public TestDnsServer a(String host, String ip) {
        try {
            return add(new ARecord(name(host), DClass.IN, 60, InetAddress.getByName(ip)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public TestDnsServer aaaa(String host, String ip) {
        try {
            return add(new AAAARecord(name(host), DClass.IN, 60, InetAddress.getByName(ip)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public TestDnsServer txt(String host, String text) {
        return add(new TXTRecord(name(host), DClass.IN, 60, text));
    }

    /** A TXT record of any length, split into strings of at most 255 characters (as DKIM keys are published). */
    public TestDnsServer txtLong(String host, String text) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        return add(new TXTRecord(name(host), DClass.IN, 60, strings));
    }

    public TestDnsServer cname(String alias, String target) {
        return add(new CNAMERecord(name(alias), DClass.IN, 60, name(target)));
    }

    /** Makes every query for {@code domain} fail with SERVFAIL (a temporary DNS problem). */
    public TestDnsServer servfail(String domain) {
        broken.add(name(domain));
        return this;
    }

    public void clear() {
        records.clear();
        broken.clear();
    }

    private TestDnsServer add(Record r) {
        records.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
        return this;
    }

    private static Name name(String s) {
        try {
            String n = s.toLowerCase(Locale.ROOT);
            return Name.fromString(n.endsWith(".") ? n : n + ".");
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Message query = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                if (!counted(query)) continue;
                byte[] answer = answer(query).toWire(tcpSocket == null ? 4096 : udpLimit(query));
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) return;
            }
        }
    }

    private Message answer(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.addRecord(question, Section.QUESTION);
        Name qname = question.getName();
        if (broken.contains(qname)) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> atName = records.get(qname);
        if (atName == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            addZoneSoa(response, qname);
            return response;
        }
        for (Record r : atName) {
            if (r.getType() == question.getType() || r.getType() == Type.CNAME) response.addRecord(r, Section.ANSWER);
        }
        if (response.getSection(Section.ANSWER).isEmpty()) addZoneSoa(response, qname);
        return response;
    }

    /** A PTR record: {@code ip} (v4 or v6 text) points to {@code host}. */
    public TestDnsServer ptr(String ip, String host) {
        try {
            return add(new PTRRecord(ReverseMap.fromAddress(InetAddress.getByName(ip)), DClass.IN, 60, name(host)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * One TXT record made of several strings (each at most 255 bytes, dnsjava escapes such as
     * "\\128" allowed); none at all gives the empty record RFC 1035 forbids but servers send.
     */
    public TestDnsServer txtStrings(String host, String... strings) {
        return add(new TXTRecord(name(host), DClass.IN, 60, List.of(strings)));
    }

    /** One TXT record holding {@code text} of any length, cut into 255-byte strings. */
    public TestDnsServer bigTxt(String host, String text) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) pieces.add(text.substring(i, Math.min(text.length(), i + 255)));
        return add(new TXTRecord(name(host), DClass.IN, 60, pieces));
    }

    /** Any record as built by the test: other types (SPF type 99, SOA), other TTLs. */
    public TestDnsServer record(Record r) {
        return add(r);
    }

    /**
     * Makes {@code zone} a zone whose negative answers (no such name, no data) carry its SOA, so
     * resolvers may cache them for {@code negativeTtl} seconds (RFC 2308).
     */
    public TestDnsServer soa(String zone, long negativeTtl) {
        Name z = name(zone);
        SOARecord soa = new SOARecord(z, DClass.IN, negativeTtl, name("ns." + zone), name("hostmaster." + zone),
                1, 3600, 600, 86400, negativeTtl);
        zones.put(z, soa);
        return add(soa);
    }

    /** Makes the server drop every query for {@code domain} without answering (a dead server). */
    public TestDnsServer silent(String domain) {
        silent.add(name(domain));
        return this;
    }

    /**
     * Also answers over TCP on the same port, and from now on keeps UDP answers within the size
     * the client offered (512, or its EDNS size), setting TC so big answers move to TCP.
     */
    public TestDnsServer tcp() throws IOException {
        if (tcpSocket != null) return this;
        ServerSocket server = reservedTcp != null ? reservedTcp : new ServerSocket();
        if (!server.isBound()) server.bind(new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
        tcpSocket = server;
        Thread.ofVirtual().name("test-dns-tcp").start(() -> acceptTcp(server));
        return this;
    }

    /** How many queries (any type, any transport) arrived for {@code domain}. */
    public int queries(String domain) {
        AtomicInteger n = queryCounts.get(name(domain));
        return n == null ? 0 : n.get();
    }

    /** Counts the query; false when its name is silenced and it must go unanswered. */
    private boolean counted(Message query) {
        Record question = query.getQuestion();
        if (question == null) return false;
        queryCounts.computeIfAbsent(question.getName(), k -> new AtomicInteger()).incrementAndGet();
        return !silent.contains(question.getName());
    }

    private static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        return opt == null ? 512 : Math.max(512, opt.getPayloadSize());
    }

    private void addZoneSoa(Message response, Name qname) {
        for (Name n = qname; n.labels() > 1; n = new Name(n, 1)) {
            SOARecord soa = zones.get(n);
            if (soa != null) {
                response.addRecord(soa, Section.AUTHORITY);
                return;
            }
        }
    }

    private void acceptTcp(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("test-dns-tcp-conn").start(() -> serveTcp(s));
            } catch (IOException e) {
                if (server.isClosed()) return;
            }
        }
    }

    /** RFC 1035 §4.2.2: each message preceded by its two-byte length. */
    private void serveTcp(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
             DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            while (true) {
                byte[] buf = new byte[in.readUnsignedShort()];
                in.readFully(buf);
                Message query = new Message(buf);
                if (!counted(query)) continue;
                byte[] answer = answer(query).toWire(65535);
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (EOFException e) {
            // the client closed the connection
        } catch (IOException e) {
            // a broken test connection ends it
        }
    }

    @Override
    public void close() {
        socket.close();
        thread.interrupt();
        for (ServerSocket tcp : new ServerSocket[] {tcpSocket, reservedTcp}) {
            if (tcp == null) continue;
            try {
                tcp.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
