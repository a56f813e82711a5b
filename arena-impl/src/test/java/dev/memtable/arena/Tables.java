package dev.memtable.arena;

import dev.memtable.Bytes;
import java.util.Arrays;
import java.util.Random;

/** Test helpers: tables with small chunks, keys with awkward bytes. */
final class Tables {

    /** Bytes that sit on the edges of signed and unsigned order. */
    private static final byte[] ALPHABET =
        {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};

    private Tables() {
    }

    /** A table with the production arena. */
    static ArenaMemTable table() {
        return (ArenaMemTable) new ArenaMemTableProvider().create(1);
    }

    /**
     * A table whose chunks are tiny (256 bytes, doubling to 16 KiB; entries over 4 KiB get a
     * chunk each), so that a few thousand entries cross many chunk boundaries. It holds at most
     * 8,191 chunks, about 128 MiB.
     */
    static ArenaMemTable tinyChunkTable() {
        return new ArenaMemTable(2, new Arena("memtable 2", 256, 16 << 10, Arena.MAX_CHUNKS));
    }

    /**
     * Long keys that share 8-byte prefixes or differ only late in them, with sign-bit bytes in
     * the prefix: they exercise the skip list's 8-byte prefix comparison and its fallback.
     */
    private static final byte[][] LONG_BASES = {
        {0x7f, (byte) 0x80, 0x00, (byte) 0xff, 0x01, 0x7f, (byte) 0x80, (byte) 0xff},
        {0x7f, (byte) 0x80, 0x00, (byte) 0xff, 0x01, 0x7f, (byte) 0x80, 0x00},
        {0x7f, (byte) 0x80, 0x00, (byte) 0xff, 0x01, 0x7f, (byte) 0x80},
        {(byte) 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
        {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    };

    /**
     * A key over {@link #ALPHABET}, so that keys collide, are prefixes of each other and differ
     * in the sign bit: mostly short (sometimes empty), sometimes one of {@link #LONG_BASES} with
     * a short tail, now and then long and random.
     */
    static byte[] awkwardKey(Random random) {
        int dice = random.nextInt(20);
        if (dice == 0) {
            return randomBytes(random, 8 + random.nextInt(40));
        }
        byte[] key;
        int from;
        if (dice < 7) {
            byte[] base = LONG_BASES[random.nextInt(LONG_BASES.length)];
            key = Arrays.copyOf(base, base.length + random.nextInt(3));
            from = base.length;
        } else {
            key = new byte[random.nextInt(5)];
            from = 0;
        }
        for (int i = from; i < key.length; i++) {
            key[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return key;
    }

    static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    static Bytes utf8(String s) {
        return Bytes.ofUtf8(s);
    }
}
