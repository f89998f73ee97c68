package dev.letterbox.sieve;

import dev.letterbox.sieve.Lexer.Kind;
import dev.letterbox.sieve.Lexer.Token;
import java.util.ArrayList;
import java.util.List;

/** RFC 5228 §8.2 grammar: tokens to a tree of commands, nested no deeper than the limit. */
final class Parser {
    private final List<Token> tokens;
    private final int maxDepth;
    private int pos;

    private Parser(List<Token> tokens, int maxDepth) {
        this.tokens = tokens;
        this.maxDepth = maxDepth;
    }

    static List<Ast.Node> parse(String source, int maxDepth) throws SieveException {
        Parser p = new Parser(Lexer.tokenize(source), maxDepth);
        List<Ast.Node> commands = p.commands(0);
        Token t = p.peek();
        if (t.kind() != Kind.EOF) throw new SieveException(t.line(), "unexpected '" + t.text() + "'");
        return commands;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token take() {
        return tokens.get(pos++);
    }

    private List<Ast.Node> commands(int depth) throws SieveException {
        List<Ast.Node> out = new ArrayList<>();
        while (peek().kind() == Kind.IDENTIFIER) out.add(command(depth));
        return out;
    }

    private Ast.Node command(int depth) throws SieveException {
        Token name = take();
        List<Ast.Arg> args = arguments();
        List<Ast.Node> tests = new ArrayList<>();
        boolean testList = testOrList(tests, 0);
        Token end = take();
        if (end.kind() == Kind.SEMICOLON) {
            return new Ast.Node(name.text(), name.line(), args, tests, testList, null);
        }
        if (end.kind() == Kind.LBRACE) {
            if (depth + 1 > maxDepth) throw new SieveException(end.line(), "blocks nested deeper than " + maxDepth);
            List<Ast.Node> block = commands(depth + 1);
            Token close = take();
            if (close.kind() != Kind.RBRACE) throw expected(close, "'}' or a command");
            return new Ast.Node(name.text(), name.line(), args, tests, testList, block);
        }
        throw expected(end, "';' after " + name.text());
    }

    private List<Ast.Arg> arguments() throws SieveException {
        List<Ast.Arg> args = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case TAG -> args.add(new Ast.Tag(take().text(), t.line()));
                case NUMBER -> args.add(new Ast.Number(take().number(), t.line()));
                case STRING, MULTILINE -> args.add(new Ast.Strings(List.of(take().text()), false, t.line()));
                case LBRACKET -> args.add(stringList());
                default -> {
                    return args;
                }
            }
        }
    }

    private Ast.Strings stringList() throws SieveException {
        Token open = take();
        List<String> values = new ArrayList<>();
        while (true) {
            Token s = take();
            if (s.kind() != Kind.STRING && s.kind() != Kind.MULTILINE) throw expected(s, "a string in the list");
            values.add(s.text());
            Token sep = take();
            if (sep.kind() == Kind.RBRACKET) return new Ast.Strings(List.copyOf(values), true, open.line());
            if (sep.kind() != Kind.COMMA) throw expected(sep, "',' or ']' in the string list");
        }
    }

    /** A test or a parenthesised test list, if one follows; true when it was a list. */
    private boolean testOrList(List<Ast.Node> into, int depth) throws SieveException {
        Token t = peek();
        if (t.kind() == Kind.IDENTIFIER) {
            into.add(test(depth + 1));
            return false;
        }
        if (t.kind() != Kind.LPAREN) return false;
        take();
        while (true) {
            Token n = peek();
            if (n.kind() != Kind.IDENTIFIER) throw expected(n, "a test");
            into.add(test(depth + 1));
            Token sep = take();
            if (sep.kind() == Kind.RPAREN) return true;
            if (sep.kind() != Kind.COMMA) throw expected(sep, "',' or ')' in the test list");
        }
    }

    private Ast.Node test(int depth) throws SieveException {
        Token name = take();
        if (depth > maxDepth) throw new SieveException(name.line(), "tests nested deeper than " + maxDepth);
        List<Ast.Arg> args = arguments();
        List<Ast.Node> tests = new ArrayList<>();
        boolean testList = testOrList(tests, depth);
        return new Ast.Node(name.text(), name.line(), args, tests, testList, null);
    }

    private static SieveException expected(Token got, String what) {
        String seen = switch (got.kind()) {
            case EOF -> "the end of the script";
            case STRING, MULTILINE -> "a string";
            case NUMBER -> "a number";
            default -> "'" + got.text() + "'";
        };
        return new SieveException(got.line(), "expected " + what + " but found " + seen);
    }
}
