package dev.letterbox.sieve;

import dev.letterbox.sieve.Code.Cond;
import dev.letterbox.sieve.Code.Exec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the parse tree into code: requires first (RFC 5228 §3.2), control commands here, every
 * other command and test by {@link Commands} and {@link Tests}. Each compiled command and test
 * first records its line and counts against the step bound.
 */
final class Compiler {
    /** Commands and tests that exist only with an extension: the error says which require is missing. */
    private static final Map<String, String> EXTENSION_OF = Map.ofEntries(
            Map.entry("fileinto", "fileinto"), Map.entry("reject", "reject"), Map.entry("ereject", "ereject"),
            Map.entry("vacation", "vacation"), Map.entry("set", "variables"), Map.entry("string", "variables"),
            Map.entry("setflag", "imap4flags"), Map.entry("addflag", "imap4flags"),
            Map.entry("removeflag", "imap4flags"), Map.entry("hasflag", "imap4flags"),
            Map.entry("addheader", "editheader"), Map.entry("deleteheader", "editheader"),
            Map.entry("include", "include"), Map.entry("return", "include"), Map.entry("global", "include"),
            Map.entry("envelope", "envelope"), Map.entry("body", "body"), Map.entry("date", "date"),
            Map.entry("currentdate", "date"), Map.entry("duplicate", "duplicate"), Map.entry("spamtest", "spamtest"),
            Map.entry("virustest", "virustest"), Map.entry("environment", "environment"),
            Map.entry("mailboxexists", "mailbox"));

    private final CompileContext ctx;

    private Compiler(CompileContext ctx) {
        this.ctx = ctx;
    }

    static Exec compile(String source, CompileContext ctx) throws SieveException {
        if (source.length() > ctx.limits.maxScriptChars()) {
            throw new SieveException(1, "the script is longer than " + ctx.limits.maxScriptChars() + " characters");
        }
        List<Ast.Node> nodes = Parser.parse(source, ctx.limits.maxNesting());
        int i = 0;
        while (i < nodes.size() && nodes.get(i).name().equals("require")) ctx.require(nodes.get(i++));
        return new Compiler(ctx).block(nodes.subList(i, nodes.size()));
    }

    static void needExtension(String name, int line, CompileContext ctx) throws SieveException {
        String ext = EXTENSION_OF.get(name);
        if (ext != null) ctx.need(ext, line, name);
    }

    private Exec block(List<Ast.Node> nodes) throws SieveException {
        List<Exec> code = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Ast.Node n = nodes.get(i);
            switch (n.name()) {
                case "require" -> throw new SieveException(n.line(), "require must come before other commands");
                case "elsif", "else" -> throw new SieveException(n.line(), n.name() + " without an if before it");
                case "if" -> {
                    int end = i + 1;
                    while (end < nodes.size() && nodes.get(end).name().equals("elsif")) end++;
                    if (end < nodes.size() && nodes.get(end).name().equals("else")) end++;
                    code.add(ifChain(nodes.subList(i, end)));
                    i = end - 1;
                }
                default -> {
                    if (n.block() != null) throw new SieveException(n.line(), n.name() + " does not take a block");
                    code.add(lined(n.line(), command(n)));
                }
            }
        }
        Exec[] steps = code.toArray(new Exec[0]);
        return r -> {
            for (Exec e : steps) {
                int s = e.run(r);
                if (s != Run.NEXT) return s;
            }
            return Run.NEXT;
        };
    }

    private Exec ifChain(List<Ast.Node> chain) throws SieveException {
        int n = chain.size();
        boolean hasElse = chain.get(n - 1).name().equals("else");
        Cond[] conds = new Cond[hasElse ? n - 1 : n];
        Exec[] blocks = new Exec[n];
        for (int i = 0; i < n; i++) {
            Ast.Node node = chain.get(i);
            if (node.block() == null) throw new SieveException(node.line(), node.name() + " needs a block { ... }");
            if (!node.args().isEmpty()) {
                throw new SieveException(node.line(), node.name() + " takes a test, not arguments");
            }
            if (i < conds.length) {
                if (node.tests().size() != 1 || node.testList()) {
                    throw new SieveException(node.line(), node.name() + " needs exactly one test");
                }
                conds[i] = test(node.tests().get(0));
            } else if (!node.tests().isEmpty()) {
                throw new SieveException(node.line(), "else takes no test");
            }
            blocks[i] = block(node.block());
        }
        int line = chain.get(0).line();
        return r -> {
            r.step(line);
            for (int i = 0; i < conds.length; i++) if (conds[i].test(r)) return blocks[i].run(r);
            return hasElse ? blocks[n - 1].run(r) : Run.NEXT;
        };
    }

    private Exec command(Ast.Node n) throws SieveException {
        needExtension(n.name(), n.line(), ctx);
        Exec e = Commands.compile(n, ctx);
        if (e == null) throw new SieveException(n.line(), "unknown command \"" + n.name() + "\"");
        return e;
    }

    Cond test(Ast.Node n) throws SieveException {
        needExtension(n.name(), n.line(), ctx);
        Cond c = switch (n.name()) {
            case "allof", "anyof" -> {
                if (!n.args().isEmpty() || !n.testList()) {
                    throw new SieveException(n.line(), n.name() + " needs a test list ( ... )");
                }
                Cond[] parts = new Cond[n.tests().size()];
                for (int i = 0; i < parts.length; i++) parts[i] = test(n.tests().get(i));
                boolean all = n.name().equals("allof");
                yield r -> {
                    for (Cond p : parts) if (p.test(r) != all) return !all;
                    return all;
                };
            }
            case "not" -> {
                if (!n.args().isEmpty() || n.tests().size() != 1 || n.testList()) {
                    throw new SieveException(n.line(), "not needs exactly one test");
                }
                Cond inner = test(n.tests().get(0));
                yield r -> !inner.test(r);
            }
            default -> {
                Cond t = Tests.compile(n, ctx);
                if (t == null) throw new SieveException(n.line(), "unknown test \"" + n.name() + "\"");
                yield t;
            }
        };
        int line = n.line();
        return r -> {
            r.step(line);
            return c.test(r);
        };
    }

    private static Exec lined(int line, Exec e) {
        return r -> {
            r.step(line);
            return e.run(r);
        };
    }
}
