package dev.letterbox.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
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
    private final Thread thread;

    public TestDnsServer() throws SocketException {
        this(0);
    }

    public TestDnsServer(int port) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        thread = Thread.ofVirtual().name("test-dns").start(this::serve);
    }

    /**
     * For trying two servers by hand: {@code TestDnsServer PORT RECORD...} with records as
     * {@code mx:DOMAIN:HOST}, {@code a:HOST:IP} or {@code mx0:DOMAIN} (a null MX); serves until killed.
     */
    public static void main(String[] args) throws Exception {
        TestDnsServer dns = new TestDnsServer(Integer.parseInt(args[0]));
        for (int i = 1; i < args.length; i++) {
            String[] r = args[i].split(":");
            switch (r[0]) {
                case "mx" -> dns.mx(r[1], 10, r[2]);
                case "mx0" -> dns.mx(r[1], 0, ".");
                case "a" -> dns.a(r[1], r[2]);
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

    /** One TXT record made of several strings (each at most 255 octets), as long records are published. */
    public TestDnsServer txtStrings(String host, String... strings) {
        return add(new TXTRecord(name(host), DClass.IN, 60, List.of(strings)));
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
                byte[] answer = answer(query).toWire(4096);
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
            return response;
        }
        for (Record r : atName) {
            if (r.getType() == question.getType() || r.getType() == Type.CNAME) response.addRecord(r, Section.ANSWER);
        }
        return response;
    }

    @Override
    public void close() {
        socket.close();
        thread.interrupt();
    }
}
