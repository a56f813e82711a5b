package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.contents;
import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memtable.Bound;
import dev.memtable.Bytes;
import dev.memtable.MemTable;
import dev.memtable.WalOptions;
import dev.memtable.spi.Capability;
import dev.memtable.spi.MemTableProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules {@code input01}–{@code input07}: every null argument is refused with a
 * {@link NullPointerException} (for a table's methods, one whose message names the parameter),
 * and the refused call changes nothing. Each table rule starts from a table holding
 * {@code k -> v} and a tombstone for {@code t}.
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

    /**
     * <b>input07</b>: the log methods of the provider refuse null arguments with a
     * {@link NullPointerException}: {@code createWithWal} and {@code recoverFromWal} with a null
     * file or null options (a null is not "the defaults"), and {@code withWalProvider(null)};
     * a refused {@code createWithWal} creates no file. Needs {@link Capability#WAL}.
     * <p>If it fails: check every argument with {@code Objects.requireNonNull} before opening
     * anything.
     */
    @Test
    default void optional_input07_logMethodsRefuseNullArguments(@TempDir Path dir)
            throws IOException {
        assumeCapability(Capability.WAL);
        MemTableProvider p = testedProvider();
        Path file = dir.resolve("input07.log");
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("createWithWal(1, null)", () -> p.createWithWal(1, null).close());
        calls.put("createWithWal(1, null, defaults)",
                () -> p.createWithWal(1, null, WalOptions.defaults()).close());
        calls.put("createWithWal(1, file, null)", () -> p.createWithWal(1, file, null).close());
        calls.put("recoverFromWal(1, null)", () -> p.recoverFromWal(1, null).close());
        calls.put("recoverFromWal(1, null, defaults)",
                () -> p.recoverFromWal(1, null, WalOptions.defaults()).close());
        calls.put("withWalProvider(null)", () -> p.withWalProvider(null));
        calls.forEach((call, action) -> assertThrows(NullPointerException.class, action, call));
        assertFalse(Files.exists(file), "createWithWal(1, file, null) created the file");
        p.createWithWal(1, file).close();
        assertThrows(NullPointerException.class, () -> p.recoverFromWal(1, file, null).close(),
                "recoverFromWal(1, existing file, null)");
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
