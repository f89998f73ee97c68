package dev.letterbox.milter;

/**
 * The numbers of the milter protocol, version 6, as Sendmail's libmilter and Postfix speak it: command
 * and reply codes (one ASCII byte each) and the bit masks exchanged in option negotiation.
 *
 * <p>Every packet on the wire is a 32-bit big-endian length, then that many bytes: the code byte
 * and its data. Strings in the data are NUL-terminated; integers are 32-bit (16-bit for a port),
 * big-endian.
 */
final class MilterProtocol {
    private MilterProtocol() {}

    static final int VERSION = 6;

    // Commands: what the MTA (we) sends.
    static final byte CMD_ABORT = 'A';
    static final byte CMD_BODY = 'B';
    static final byte CMD_CONNECT = 'C';
    static final byte CMD_MACRO = 'D';
    static final byte CMD_EOM = 'E';
    static final byte CMD_HELO = 'H';
    static final byte CMD_HEADER = 'L';
    static final byte CMD_MAIL = 'M';
    static final byte CMD_EOH = 'N';
    static final byte CMD_OPTNEG = 'O';
    static final byte CMD_QUIT = 'Q';
    static final byte CMD_RCPT = 'R';
    static final byte CMD_DATA = 'T';

    // Replies: what the filter sends.
    static final byte REPLY_ADDRCPT = '+';
    static final byte REPLY_DELRCPT = '-';
    static final byte REPLY_ADDRCPT_PAR = '2';
    static final byte REPLY_SHUTDOWN = '4';
    static final byte REPLY_ACCEPT = 'a';
    static final byte REPLY_REPLBODY = 'b';
    static final byte REPLY_CONTINUE = 'c';
    static final byte REPLY_DISCARD = 'd';
    static final byte REPLY_CHGFROM = 'e';
    static final byte REPLY_CONN_FAIL = 'f';
    static final byte REPLY_ADDHEADER = 'h';
    static final byte REPLY_INSHEADER = 'i';
    static final byte REPLY_SETSYMLIST = 'l';
    static final byte REPLY_CHGHEADER = 'm';
    static final byte REPLY_PROGRESS = 'p';
    static final byte REPLY_QUARANTINE = 'q';
    static final byte REPLY_REJECT = 'r';
    static final byte REPLY_SKIP = 's';
    static final byte REPLY_TEMPFAIL = 't';
    static final byte REPLY_REPLYCODE = 'y';

    // Actions: the modifications a filter may ask for at end of message.
    static final int ACTION_ADDHDRS = 0x01;
    static final int ACTION_CHGBODY = 0x02;
    static final int ACTION_ADDRCPT = 0x04;
    static final int ACTION_DELRCPT = 0x08;
    static final int ACTION_CHGHDRS = 0x10;
    static final int ACTION_QUARANTINE = 0x20;
    static final int ACTION_CHGFROM = 0x40;
    static final int ACTION_ADDRCPT_PAR = 0x80;
    static final int ACTION_SETSYMLIST = 0x100;

    /**
     * Every action is offered, although Letterbox only honours header changes and quarantine:
     * libmilter filters (clamav-milter, OpenDKIM) end the session when the MTA does not offer an action
     * they are compiled to need, so offering less would lose the filter altogether. The others are
     * reported as ignored when a filter uses them (we never rewrite the envelope or the client's body).
     */
    static final int OFFERED_ACTIONS = ACTION_ADDHDRS | ACTION_CHGBODY | ACTION_ADDRCPT | ACTION_DELRCPT
            | ACTION_CHGHDRS | ACTION_QUARANTINE | ACTION_CHGFROM | ACTION_ADDRCPT_PAR | ACTION_SETSYMLIST;

    // Protocol steps: what the filter may ask us to skip, or not to wait a reply for.
    static final int NO_CONNECT = 0x01;
    static final int NO_HELO = 0x02;
    static final int NO_MAIL = 0x04;
    static final int NO_RCPT = 0x08;
    static final int NO_BODY = 0x10;
    static final int NO_HEADERS = 0x20;
    static final int NO_EOH = 0x40;
    static final int NOREPLY_HEADER = 0x80;
    static final int NO_UNKNOWN = 0x100;
    static final int NO_DATA = 0x200;
    /** The MTA understands a "skip" reply to a body chunk. */
    static final int SKIP = 0x400;
    static final int NOREPLY_CONNECT = 0x1000;
    static final int NOREPLY_HELO = 0x2000;
    static final int NOREPLY_MAIL = 0x4000;
    static final int NOREPLY_RCPT = 0x8000;
    static final int NOREPLY_DATA = 0x10000;
    static final int NOREPLY_UNKNOWN = 0x20000;
    static final int NOREPLY_EOH = 0x40000;
    static final int NOREPLY_BODY = 0x80000;
    /** Header values are sent exactly as written, with the space after the colon. */
    static final int HEADER_LEADING_SPACE = 0x100000;

    /**
     * Every step flag we can honour. Not offered: "send rejected recipients too" (we only ever have
     * accepted ones) and the larger body chunk sizes (we send at most 65,535 bytes per chunk anyway).
     */
    static final int OFFERED_STEPS = NO_CONNECT | NO_HELO | NO_MAIL | NO_RCPT | NO_BODY | NO_HEADERS | NO_EOH
            | NOREPLY_HEADER | NO_UNKNOWN | NO_DATA | SKIP | NOREPLY_CONNECT | NOREPLY_HELO | NOREPLY_MAIL
            | NOREPLY_RCPT | NOREPLY_DATA | NOREPLY_UNKNOWN | NOREPLY_EOH | NOREPLY_BODY | HEADER_LEADING_SPACE;

    /** Largest body chunk: libmilter's default buffer, which every filter accepts. */
    static final int MAX_BODY_CHUNK = 65_535;

    /** The connect command's address family byte. */
    static final byte FAMILY_UNKNOWN = 'U';
    static final byte FAMILY_UNIX = 'L';
    static final byte FAMILY_INET = '4';
    static final byte FAMILY_INET6 = '6';
}
