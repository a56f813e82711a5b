package dev.memtable.cli;

import dev.memtable.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words of a shell line, how a word becomes bytes, and how bytes are shown back so that what
 * the shell prints can be typed in again. Thread-safe (no state).
 *
 * <p>Syntax: whitespace separates words; {@code "double quotes"} group a word, inside which only
 * {@code \"} and {@code \\} are escapes; a quoted word is always text. An unquoted word starting
 * with {@code 0x} is hex ({@code 0x6b6579}); any other word is its UTF-8 text, byte for byte.
 */
final class ShellSyntax {

    /** How many characters of a word an error message quotes at most. */
    static final int QUOTE_LIMIT = 40;

    private ShellSyntax() {
    }

    /**
     * One word of a line.
     *
     * @param text the word's characters, quotes and escapes removed; never null
     * @param quoted whether it was written in double quotes (then it is text, never hex)
     */
    record Word(String text, boolean quoted) {
        /** @throws NullPointerException if {@code text} is null */
        Word {
            java.util.Objects.requireNonNull(text, "text");
        }

        /** An unquoted word. */
        static Word plain(String text) {
            return new Word(text, false);
        }

        /** A quoted word. */
        static Word quoted(String text) {
            return new Word(text, true);
        }
    }

    /**
     * Splits {@code line} into at most {@code limit} words, left to right; what follows the
     * {@code limit}-th word is not read (a caller that allows fewer words sees that there were too
     * many without holding them all).
     *
     * @throws IllegalArgumentException for an unterminated quote or an escape other than
     *     {@code \"} and {@code \\} (among the words read), naming its column (1-based)
     * @throws NullPointerException if {@code line} is null
     */
    static List<Word> tokenize(String line, int limit) {
        List<Word> words = new ArrayList<>();
        int i = 0;
        while (i < line.length() && words.size() < limit) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int open = i;
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= line.length()) {
                        throw new IllegalArgumentException("unterminated quote (opened at column "
                                + (open + 1) + ")");
                    }
                    char d = line.charAt(i++);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\') {
                        char e = i < line.length() ? line.charAt(i) : 0;
                        if (i >= line.length() || e != '"' && e != '\\') {
                            throw new IllegalArgumentException("bad escape at column " + i
                                    + ": only \\\" and \\\\ are allowed");
                        }
                        d = line.charAt(i++);
                    }
                    sb.append(d);
                }
                words.add(Word.quoted(sb.toString()));
            } else {
                int start = i;
                while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                words.add(Word.plain(line.substring(start, i)));
            }
        }
        return words;
    }

    /**
     * Returns the bytes a word stands for: an unquoted {@code 0x…} word is hex (ASCII digits
     * {@code 0-9a-fA-F}, an even number of them, at least two); any other word is its UTF-8 text.
     *
     * @throws IllegalArgumentException for bad hex, saying how to write the text instead
     * @throws NullPointerException if {@code word} is null
     */
    static Bytes parse(Word word) {
        String t = word.text();
        if (word.quoted() || !t.startsWith("0x")) {
            return Bytes.ofUtf8(t);
        }
        if (t.length() == 2) {
            throw new IllegalArgumentException("0x needs hex digits after it, e.g. 0x6b6579;"
                    + " write \"\" for no bytes or \"0x\" for the text 0x");
        }
        for (int i = 2; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                throw new IllegalArgumentException("bad hex " + quote(t) + ": " + quote(
                        String.valueOf(c)) + " at column " + (i + 1) + " is not a hex digit"
                        + " (quote the word to mean the text)");
            }
        }
        if (t.length() % 2 != 0) {
            throw new IllegalArgumentException("bad hex " + quote(t) + ": an odd number of digits"
                    + " (" + (t.length() - 2) + "); each byte takes two (quote the word to mean the"
                    + " text)");
        }
        return Bytes.fromHex(t.substring(2));
    }

    /**
     * Shows bytes so that they can be typed back: as plain text if they are UTF-8 of visible
     * characters, quoted if that text has a space or a {@code "} or starts with {@code 0x}, and
     * as {@code 0x…} hex otherwise: not UTF-8, or holding a character one cannot see or tell
     * apart (control, format, separator other than the space, unassigned, private use, U+FFFD).
     * Empty is {@code ""}.
     *
     * @throws NullPointerException if {@code b} is null
     */
    static String show(Bytes b) {
        if (b.isEmpty()) {
            return "\"\"";
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return "0x" + b.toHex();
        }
        boolean plain = !text.startsWith("0x");
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == ' ' || cp == '"') {
                plain = false;
            } else if (!visible(cp)) {
                return "0x" + b.toHex();
            }
            i += Character.charCount(cp);
        }
        return plain ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Whether {@code cp} prints as something one can see and type. */
    private static boolean visible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE,
                    Character.SURROGATE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> cp != 0xFFFD;
        };
    }

    /**
     * Quotes a word for an error message: in single quotes, at most {@link #QUOTE_LIMIT}
     * characters (then {@code ...} and the word's length), with anything invisible written as
     * {@code <U+XXXX>}, so a message stays one readable line whatever the word holds.
     *
     * @throws NullPointerException if {@code word} is null
     */
    static String quote(String word) {
        StringBuilder sb = new StringBuilder("'");
        int i = 0;
        for (int shown = 0; i < word.length() && shown < QUOTE_LIMIT; shown++) {
            int cp = word.codePointAt(i);
            if (cp == ' ' || visible(cp)) {
                sb.appendCodePoint(cp);
            } else {
                sb.append(String.format(Locale.ROOT, "<U+%04X>", cp));
            }
            i += Character.charCount(cp);
        }
        sb.append('\'');
        if (i < word.length()) {
            sb.append("... (").append(word.length()).append(" characters)");
        }
        return sb.toString();
    }
}
