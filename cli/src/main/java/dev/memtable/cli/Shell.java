package dev.memtable.cli;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.MemTableIterator;
import dev.memtable.set.MemTableSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The commands of {@code memtable shell}, one line at a time, over a {@link MemTableSet}. Every
 * command prints its answer before the next line is read, so a write is acknowledged (and, with the
 * shell's log policy, durable) when its {@code OK} appears.
 *
 * <p>Arguments are text, {@code "quoted text"} with {@code \"} and {@code \\} escapes, or hex as
 * {@code 0x…}. Values are printed as text when they are printable UTF-8, otherwise as hex. Not
 * thread-safe.
 */
final class Shell {

    static final String HELP = String.join("\n",
            "Commands (keys and values: text, \"quoted text\", or hex as 0x6b6579):",
            "  put KEY VALUE      store VALUE under KEY",
            "  get KEY            print KEY's value, (deleted) or (not found)",
            "  delete KEY         delete KEY (writes a tombstone)",
            "  scan [FROM] [TO]   list live entries with FROM <= key < TO (either may be omitted;",
            "                     use - for an open end, e.g. scan - m)",
            "  freeze             freeze the mutable table now",
            "  stats              tables, ids, sizes",
            "  help               this text",
            "  quit               sync and leave (exit and Ctrl-D too)");

    /** How many entries {@code scan} prints at most. */
    static final int SCAN_LIMIT = 1000;

    private final MemTableSet set;
    private final PrintWriter out;
    private final String describe;

    Shell(MemTableSet set, PrintWriter out, String describe) {
        this.set = set;
        this.out = out;
        this.describe = describe;
    }

    /**
     * Runs one line; returns false if the shell should end. Errors in the line are printed as
     * {@code error: …} and the shell goes on.
     */
    boolean execute(String line) {
        List<String> words;
        try {
            words = tokenize(line);
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            return true;
        }
        if (words.isEmpty()) {
            return true;
        }
        String command = words.get(0).toLowerCase(java.util.Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        try {
            switch (command) {
                case "put" -> {
                    arity(args, 2, 2, "put KEY VALUE");
                    Bytes value = parse(args.get(1));
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("an empty value is a delete; use delete KEY");
                    }
                    set.put(parse(args.get(0)), value);
                    out.println("OK");
                }
                case "get" -> {
                    arity(args, 1, 1, "get KEY");
                    Optional<Bytes> v = set.get(parse(args.get(0)));
                    out.println(v.isEmpty() ? "(not found)" : v.get().isEmpty() ? "(deleted)"
                            : show(v.get()));
                }
                case "delete", "del" -> {
                    arity(args, 1, 1, "delete KEY");
                    set.delete(parse(args.get(0)));
                    out.println("OK");
                }
                case "scan" -> {
                    arity(args, 0, 2, "scan [FROM] [TO]");
                    scan(args);
                }
                case "freeze" -> {
                    arity(args, 0, 0, "freeze");
                    out.println(set.freeze() ? "OK: froze table " + set.immutables().get(0).id()
                            : "OK: nothing to freeze (the mutable table is empty)");
                }
                case "stats" -> {
                    arity(args, 0, 0, "stats");
                    stats();
                }
                case "help", "?" -> out.println(HELP);
                case "quit", "exit" -> {
                    return false;
                }
                default -> out.println("error: unknown command '" + words.get(0)
                        + "'; type help for the list");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.println("error: " + e.getMessage());
        } catch (RuntimeException e) {
            out.println("error: " + Failures.describe(e));
        }
        out.flush();
        return true;
    }

    private void scan(List<String> args) {
        Bound lower = args.isEmpty() || args.get(0).equals("-") ? Bound.unbounded()
                : Bound.included(parse(args.get(0)));
        Bound upper = args.size() < 2 || args.get(1).equals("-") ? Bound.unbounded()
                : Bound.excluded(parse(args.get(1)));
        int n = 0;
        try (MemTableIterator it = set.scan(lower, upper)) {
            for (; it.isValid() && n < SCAN_LIMIT; it.next(), n++) {
                out.println(show(it.key()) + " = " + show(it.value()));
            }
            out.println(it.isValid() ? "(first " + SCAN_LIMIT + " entries; narrow the range)"
                    : "(" + n + (n == 1 ? " entry)" : " entries)"));
        }
    }

    private void stats() {
        out.println("store: " + describe);
        MemTable m = set.mutable();
        out.printf("mutable: table %d, %,d bytes written%s%n", m.id(), m.approximateSize(),
                m.isEmpty() ? " (empty)" : "");
        List<MemTable> frozen = set.immutables();
        out.println("immutable: " + frozen.size() + (frozen.isEmpty() ? "" : " (newest first)"));
        for (MemTable t : frozen) {
            out.printf("  table %d, %,d bytes written%n", t.id(), t.approximateSize());
        }
    }

    /** Flushes the log so every write so far is durable. */
    void sync() throws IOException {
        set.sync();
    }

    private static void arity(List<String> args, int min, int max, String usage) {
        if (args.size() < min || args.size() > max) {
            throw new IllegalArgumentException("usage: " + usage);
        }
    }

    /** Parses an argument: {@code 0x…} is hex, anything else is its UTF-8 text. */
    static Bytes parse(String word) {
        if (word.startsWith("0x") && word.length() > 2) {
            try {
                return Bytes.fromHex(word.substring(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad hex '" + word + "': " + e.getMessage()
                        + " (quote it to mean the text)");
            }
        }
        return Bytes.ofUtf8(word.startsWith("\u0000") ? word.substring(1) : word);
    }

    /** Shows bytes as text if they are printable UTF-8, otherwise as {@code 0x…}. */
    static String show(Bytes b) {
        if (b.isEmpty()) {
            return "\"\"";
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b.toByteArray())).toString();
            boolean plain = true;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isISOControl(c)) {
                    return "0x" + b.toHex();
                }
                plain &= !Character.isWhitespace(c) && c != '"';
            }
            if (text.startsWith("0x")) {
                plain = false;
            }
            return plain ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        } catch (CharacterCodingException e) {
            return "0x" + b.toHex();
        }
    }

    /**
     * Splits a line into words: whitespace separates, double quotes group (with {@code \"} and
     * {@code \\}). A quoted word is always text: it is marked with a leading NUL so that
     * {@link #parse} does not read {@code "0x12"} as hex.
     *
     * @throws IllegalArgumentException for an unterminated quote or a bad escape
     */
    static List<String> tokenize(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder("\u0000");
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unterminated quote");
                    }
                    char d = line.charAt(i++);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\') {
                        if (i >= line.length() || (line.charAt(i) != '"' && line.charAt(i) != '\\')) {
                            throw new IllegalArgumentException("bad escape at column " + i
                                    + ": only \\\" and \\\\ are allowed");
                        }
                        d = line.charAt(i++);
                    }
                    sb.append(d);
                }
                words.add(sb.toString());
            } else {
                int start = i;
                while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                words.add(line.substring(start, i));
            }
        }
        return words;
    }
}
