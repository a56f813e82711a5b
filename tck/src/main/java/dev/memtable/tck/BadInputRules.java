package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Rules {@code input01}–{@code input06}: every null argument is refused with a
 * {@link NullPointerException} whose message names the parameter, and the refused call changes
 * nothing. Each rule starts from a table holding {@code k -> v} and a tombstone for {@code t}.
 */
public interface BadInputRules extends ContractSupport {

    /**
     * <b>input01</b>: {@code put(null, value)} throws {@link NullPointerException} naming
     * {@code key}; the table is unchanged.
     * <p>If it fails: check arguments first, with {@code Objects.requireNonNull(key, "key")}.
     */
    @Test
    default void required_input01_putRefusesNullKey() {
        refusesNull("put(null, v)", "key", t -> t.put(null, value("v")));
    }

    /**
     * <b>input02</b>: {@code put(key, null)} throws {@link NullPointerException} naming
     * {@code value}; the table is unchanged (a null value is not a delete).
     * <p>If it fails: check the value before storing anything.
     */
    @Test
    default void required_input02_putRefusesNullValue() {
        refusesNull("put(k, null)", "value", t -> t.put(key("k"), null));
    }

    /**
     * <b>input03</b>: {@code delete(null)} throws {@link NullPointerException} naming {@code key};
     * the table is unchanged.
     * <p>If it fails: check the key before writing the tombstone.
     */
    @Test
    default void required_input03_deleteRefusesNullKey() {
        refusesNull("delete(null)", "key", t -> t.delete(null));
    }

    /**
     * <b>input04</b>: {@code get(null)} throws {@link NullPointerException} naming {@code key}.
     * <p>If it fails: a map lookup with null may throw without a message, or answer empty.
     */
    @Test
    default void required_input04_getRefusesNullKey() {
        refusesNull("get(null)", "key", t -> t.get(null));
    }

    /**
     * <b>input05</b>: {@code scan} with a null bound throws {@link NullPointerException} naming
     * {@code lower} or {@code upper} (null is not "unbounded": that is
     * {@code Bound.unbounded()}).
     * <p>If it fails: check both bounds before looking at the range.
     */
    @Test
    default void required_input05_scanRefusesNullBounds() {
        refusesNull("scan(null, unbounded)", "lower", t -> t.scan(null, Bound.unbounded()));
        refusesNull("scan(unbounded, null)", "upper", t -> t.scan(Bound.unbounded(), null));
        Bound k = Bound.included(key("k"));
        refusesNull("scan(included(k), null)", "upper", t -> t.scan(k, null));
        refusesNull("scan(null, included(k))", "lower", t -> t.scan(null, k));
    }

    /**
     * <b>input06</b>: {@code write(null)} throws {@link NullPointerException} naming
     * {@code batch}; the table is unchanged.
     * <p>If it fails: check the batch before taking locks or logging.
     */
    @Test
    default void required_input06_writeRefusesNullBatch() {
        refusesNull("write(null)", "batch", t -> t.write(null));
    }

    private void refusesNull(String call, String parameter, Consumer<MemTable> action) {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        t.delete(key("t"));
        List<Map.Entry<Bytes, Bytes>> before = contents(t);
        long sizeBefore = t.approximateSize();
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> action.accept(t), call);
        String message = npe.getMessage();
        assertTrue(message != null && message.contains(parameter),
                call + ": the NullPointerException must name the parameter '" + parameter
                        + "', but its message was: " + message);
        assertEquals(before, contents(t), call + ": entries after the refused call");
        assertEquals(sizeBefore, t.approximateSize(), call + ": size after the refused call");
    }
}
