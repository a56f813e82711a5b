package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.patterned;

import dev.memtable.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Fixed keys where byte-order bugs hide, for the differential rules: keys differing only in the
 * high bit of one byte, at every position (also past the eighth byte, where a backend that
 * compares an 8-byte prefix first switches to its second comparison); keys that are prefixes of
 * others; the empty key and one-byte keys; runs of {@code 0x00} and {@code 0xff}. Random keys can
 * miss these; a fixed list cannot.
 */
final class CornerKeys {

    private CornerKeys() {
    }

    /** Corner keys of 0 to 9 bytes (model01): short keys around the 8-byte prefix. */
    static List<Bytes> shortKeys() {
        Set<Bytes> keys = new LinkedHashSet<>();
        keys.add(Bytes.EMPTY);
        for (int b : new int[] {0x01, 0x61, 0x7f, 0x80, 0xfe}) {
            keys.add(run(b, 1));
        }
        for (int length = 1; length <= 9; length++) {
            keys.add(run(0x00, length));
            keys.add(run(0xff, length));
        }
        for (int length : new int[] {1, 2, 7, 8, 9}) {
            addHighBitPairs(keys, length);
        }
        addPrefixes(keys, patterned(9, 5), 1);
        Bytes a = run(0x61, 1);
        for (int[] tail : new int[][] {{0x00}, {0xff}, {0x00, 0x00}, {0xff, 0xff}, {0x00, 0xff}}) {
            keys.add(TckSupport.concat(a, TckSupport.bytes(tail)));
        }
        return List.copyOf(keys);
    }

    /** Corner keys of 8 to 40 bytes (model02): prefixes of 8 bytes and more. */
    static List<Bytes> longKeys() {
        Set<Bytes> keys = new LinkedHashSet<>();
        for (int length : new int[] {8, 9, 16, 17}) {
            keys.add(run(0x00, length));
            keys.add(run(0xff, length));
        }
        for (int length : new int[] {8, 9, 16, 17, 33}) {
            addHighBitPairs(keys, length);
        }
        addPrefixes(keys, patterned(40, 11), 8);
        return List.copyOf(keys);
    }

    /**
     * Adds, for every position of a key of {@code length} bytes of {@code 0x61}, the two keys
     * with {@code 0x7f} and with {@code 0x80} at that position.
     */
    private static void addHighBitPairs(Set<Bytes> keys, int length) {
        for (int position = 0; position < length; position++) {
            for (int b : new int[] {0x7f, 0x80}) {
                byte[] k = new byte[length];
                Arrays.fill(k, (byte) 0x61);
                k[position] = (byte) b;
                keys.add(Bytes.wrap(k));
            }
        }
    }

    /** Adds every prefix of {@code key} of at least {@code from} bytes, {@code key} included. */
    private static void addPrefixes(Set<Bytes> keys, Bytes key, int from) {
        for (int length = from; length <= key.length(); length++) {
            keys.add(key.slice(0, length));
        }
    }

    private static Bytes run(int b, int length) {
        byte[] k = new byte[length];
        Arrays.fill(k, (byte) b);
        return Bytes.wrap(k);
    }

    /** Returns {@code keys} in a fixed shuffled order (the same on every run). */
    static List<Bytes> shuffled(List<Bytes> keys) {
        List<Bytes> out = new ArrayList<>(keys);
        Collections.shuffle(out, new Random(0x5eed));
        return out;
    }
}
