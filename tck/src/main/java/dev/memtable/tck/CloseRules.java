package dev.memtable.tck;

import static dev.memtable.tck.TckSupport.key;
import static dev.memtable.tck.TckSupport.value;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.memtable.Bound;
import dev.memtable.MemTable;
import dev.memtable.WriteBatch;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Rules {@code close01}–{@code close03}: after {@code close()} every method but {@code close} and
 * {@code id} throws {@link IllegalStateException}; {@code close} is idempotent.
 */
public interface CloseRules extends ContractSupport {

    /**
     * <b>close01</b>: on a closed table, {@code put}, {@code delete}, {@code write} (with a
     * non-empty and with an empty batch), {@code get}, {@code scan}, {@code approximateSize},
     * {@code isEmpty}, {@code syncWal} and {@code seal} all throw {@link IllegalStateException}; the message
     * lists every method that did not.
     * <p>If it fails: every method needs the closed check, before it returns early for
     * trivial input (an empty batch, an empty range).
     */
    @Test
    default void required_close01_everyMethodRefusesUseAfterClose() throws IOException {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        t.close();
        WriteBatch batch = new WriteBatch().put(key("b"), value("v"));
        WriteBatch empty = new WriteBatch();
        assertAll("every method of a closed table must throw IllegalStateException",
                refused("put", () -> t.put(key("k"), value("v2"))),
                refused("delete", () -> t.delete(key("k"))),
                refused("write(batch)", () -> t.write(batch)),
                refused("write(empty batch)", () -> t.write(empty)),
                refused("get", () -> t.get(key("k"))),
                refused("scan", () -> t.scan(Bound.unbounded(), Bound.unbounded())),
                refused("scan(empty range)",
                        () -> t.scan(Bound.excluded(key("k")), Bound.excluded(key("k")))),
                refused("approximateSize", t::approximateSize),
                refused("isEmpty", t::isEmpty),
                refused("syncWal", t::syncWal),
                refused("seal", t::seal));
    }

    /**
     * <b>close02</b>: {@code close()} may be called again (and again) without an exception.
     * <p>If it fails: guard the release of resources with a closed flag.
     */
    @Test
    default void required_close02_closeIsIdempotent() throws IOException {
        MemTable t = newTable();
        t.put(key("k"), value("v"));
        t.close();
        t.close();
        t.close();
    }

    /**
     * <b>close03</b>: {@code id()} still answers after {@code close()}; a table set uses it to
     * identify tables it retires.
     * <p>If it fails: {@code id()} must not check the closed state.
     */
    @Test
    default void required_close03_idWorksAfterClose() throws IOException {
        MemTable t = fixture().create(77);
        t.close();
        assertEquals(77, t.id(), "id() after close()");
    }

    private static Executable refused(String method, Executable call) {
        return () -> assertThrows(IllegalStateException.class, call,
                method + " on a closed table");
    }
}
