"""The loopback IMAP connection the bench scripts share: lines read from one big buffer (a
million-line answer costs the client little), commands tagged in turn. Only ever connects to
127.0.0.0/8."""
import ipaddress, socket, sys


class Wire:
    def __init__(self, host, port):
        if not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
            sys.exit("refusing to connect outside 127.0.0.0/8")
        self.s = socket.create_connection((host, port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.tag = 0
        self.line()  # greeting

    def fill(self):
        d = self.s.recv(1 << 20)
        if not d:
            raise EOFError("server closed the connection")
        self.buf += d

    def line(self):
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                l = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                return l
            self.fill()

    def send(self, data):
        self.s.sendall(data)
