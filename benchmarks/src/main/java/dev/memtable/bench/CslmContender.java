package dev.memtable.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floor: a raw {@code ConcurrentSkipListMap<byte[], byte[]>} ordered by
 * {@link Arrays#compareUnsigned(byte[], byte[])}, with no validation, wrapping or accounting. What
 * a backend loses against it is the price of the abstraction.
 */
final class CslmContender implements Contender {

    private final ConcurrentSkipListMap<byte[], byte[]> map =
            new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public Object get(byte[] key) {
        return map.get(key);
    }

    @Override
    public int scan(byte[] from, byte[] to, int expected, Blackhole sink) {
        int n = 0;
        for (Map.Entry<byte[], byte[]> e : map.subMap(from, true, to, false).entrySet()) {
            sink.consume(e.getKey());
            sink.consume(e.getValue());
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        map.clear();
    }

    @Override
    public String toString() {
        return Contenders.CSLM;
    }
}
