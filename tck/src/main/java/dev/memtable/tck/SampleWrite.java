package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;

import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.util.List;
import java.util.function.Consumer;

/**
 * One write on one write path, for rules that try something on every path: what it calls, how,
 * and its effect as a batch (to apply to a {@link ReferenceModel}).
 *
 * @param call the call, for messages, e.g. {@code "put(a, 2)"}
 * @param action makes the call on a table
 * @param effect what the call writes
 */
record SampleWrite(String call, Consumer<MemTable> action, WriteBatch effect) {

    /**
     * A put, a delete and a three-entry batch over the keys {@code a}, {@code b} and {@code c}:
     * {@code put(a, 2)}, {@code delete(b)}, and {@code put(a, 2), delete(b), put(c, 3)}.
     */
    static List<SampleWrite> onePerPath() {
        WriteBatch batch = new WriteBatch().put(key("a"), value("2")).delete(key("b"))
                .put(key("c"), value("3"));
        return List.of(
                new SampleWrite("put(a, 2)", t -> t.put(key("a"), value("2")),
                        new WriteBatch().put(key("a"), value("2"))),
                new SampleWrite("delete(b)", t -> t.delete(key("b")),
                        new WriteBatch().delete(key("b"))),
                new SampleWrite("write(batch: put(a, 2), delete(b), put(c, 3))",
                        t -> t.write(batch), batch));
    }
}
