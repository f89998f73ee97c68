package dev.letterbox.cli;

import dev.letterbox.auth.MailboxSharing;
import dev.letterbox.store.MailStore;
import dev.letterbox.store.MailboxGrants;
import dev.letterbox.store.Rights;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "share", mixinStandardHelpOptions = true,
        description = {"Share a folder of one account with another (IMAP ACL rights, RFC 4314).",
                "  share OWNER FOLDER GRANTEE RIGHTS   give GRANTEE exactly RIGHTS on OWNER's FOLDER",
                "  share OWNER FOLDER GRANTEE none     take the grant away",
                "  share --list OWNER                  list what OWNER has shared",
                "  share --with GRANTEE                list what is shared with GRANTEE",
                "  share --send-as OWNER GRANTEE [--off]  let GRANTEE send mail as OWNER (or no longer)",
                "  share --send-on-behalf OWNER GRANTEE [--off]  let GRANTEE put OWNER in From: (Sender: GRANTEE)",
                "Rights: l see  r read  s keep seen  w flags  i add mail  p post  k create below",
                "        x delete folder  t mark deleted  e expunge  a administer  (e.g. lrs, lrswite)",
                "GRANTEE is an account, or a group: anyone (every account), authenticated (the same),",
                "        $DOMAIN (every account of DOMAIN, e.g. $example.com)",
                "The grantee sees the folder as \"Other Users/OWNER/FOLDER\" (\"Shared/FOLDER\" when OWNER is",
                "its domain's shared account, see [imap] shared_account)."})
final class ShareCommand implements Callable<Integer> {
    @Mixin
    DataOption data;

    @Parameters(paramLabel = "ARGS", arity = "0..4", description = "OWNER FOLDER GRANTEE RIGHTS")
    java.util.List<String> args = new java.util.ArrayList<>();

    @Option(names = "--list", paramLabel = "OWNER", description = "list the grants OWNER has given")
    String list;

    @Option(names = "--with", paramLabel = "GRANTEE", description = "list the folders shared with GRANTEE")
    String with;

    @Option(names = "--send-as", description = "let GRANTEE use OWNER's addresses as sender on submission")
    boolean sendAs;

    @Option(names = "--send-on-behalf", description = "let GRANTEE put OWNER's addresses in From: on submission, with Sender: GRANTEE")
    boolean sendOnBehalf;

    @Option(names = "--off", description = "with --send-as or --send-on-behalf: take that away")
    boolean off;

    @Override
    public Integer call() throws Exception {
        try (MailStore store = data.openStore(false)) {
            MailboxSharing sharing = new MailboxSharing(store, DataOption.directory(store));
            if (list != null || with != null) {
                if (!args.isEmpty() || (list != null && with != null)) throw new Main.CliExit(2, "give --list OWNER or --with GRANTEE alone");
                if (list != null) {
                    for (MailboxGrants.Grant g : sharing.grantsBy(list)) {
                        System.out.println(g.mailbox().name() + "\t" + g.grantee() + "\t" + g.rights());
                    }
                    for (String g : sharing.sendAsGrantees(list)) System.out.println("(send as)\t" + g);
                    for (String g : sharing.sendOnBehalfGrantees(list)) System.out.println("(send on behalf)\t" + g);
                } else {
                    for (MailboxGrants.Shared s : sharing.sharedWith(with)) {
                        System.out.println(s.owner() + "\t" + s.mailbox().name() + "\t" + s.rights());
                    }
                }
                return 0;
            }
            if (sendAs && sendOnBehalf) throw new Main.CliExit(2, "give --send-as or --send-on-behalf, not both");
            if (sendAs || sendOnBehalf) {
                String how = sendAs ? "send as" : "send on behalf of";
                if (args.size() != 2) throw new Main.CliExit(2, "usage: share --" + how.replace(" of", "").replace(' ', '-') + " OWNER GRANTEE [--off]");
                if (sendAs) sharing.sendAs(args.get(0), args.get(1), !off); else sharing.sendOnBehalf(args.get(0), args.get(1), !off);
                System.out.println(args.get(1) + (off ? " may no longer " : " may ") + how + " " + args.get(0));
                return 0;
            }
            if (off) throw new Main.CliExit(2, "--off goes with --send-as or --send-on-behalf");
            if (args.size() != 4) throw new Main.CliExit(2, "usage: share OWNER FOLDER GRANTEE RIGHTS (see --help)");
            String rights = args.get(3).equalsIgnoreCase("none") ? "" : args.get(3);
            Rights stored = sharing.share(args.get(0), args.get(1), args.get(2), rights);
            System.out.println(stored.isEmpty()
                    ? args.get(2) + " no longer has access to " + args.get(0) + " " + args.get(1)
                    : args.get(2) + " has " + stored + " on " + args.get(0) + " " + args.get(1));
        }
        return 0;
    }
}
