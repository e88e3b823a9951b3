package io.sparkllama.engine.format.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.error.PickleFormatException;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile plain-data pickles (no globals at all) that used to overflow the stack, hang or exhaust
 * the heap are refused within a second with a message saying why.
 */
class RestrictedUnpicklerBoundsTest {
    private static final int PROTO = 0x80;
    private static final int MEMOIZE = 0x94;

    private static PickleFormatException refused(byte[] pickle) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(PickleFormatException.class,
                () -> RestrictedUnpickler.load("hostile.pth:data.pkl", MemorySegment.ofArray(pickle))));
    }

    @Test
    void aListHoldingItselfAsADictKeyIsRefused() {
        byte[] p = bytes(PROTO, 2, '}', ']', MEMOIZE, 'h', 0, 'a', 'N', 's', '.');
        PickleFormatException e = refused(p);
        assertTrue(e.getMessage().startsWith("hostile.pth:data.pkl: dict key at byte 9 is a ArrayList, which is unhashable"), e.getMessage());
    }

    @Test
    void sixtyLevelsOfDoublingInAKeyAreRefused() {
        ByteArrayOutputStream b = out(PROTO, 2, '}', '(', '(', ']', MEMOIZE);
        doublingChain(b, 60);
        write(b, 't', 'N', 'h', 60, 'N', 'u', '.');
        assertTrue(b.size() < 700, "a few hundred bytes: " + b.size());
        PickleFormatException e = refused(b.toByteArray());
        assertTrue(e.getMessage().contains("is unhashable"), e.getMessage());
    }

    @Test
    void exponentialModelArgsAreRefused() {
        ByteArrayOutputStream b = out(PROTO, 2, '}', 0x8c, 10);
        b.writeBytes("model_args".getBytes(StandardCharsets.US_ASCII));
        write(b, '(', ']', MEMOIZE);
        doublingChain(b, 60);
        write(b, 't', 's', '.');
        PickleFormatException e = refused(b.toByteArray());
        assertTrue(e.getMessage().contains("values expand to more than " + RestrictedUnpickler.MAX_EXPANDED), e.getMessage());
    }

    @Test
    void aListHoldingItselfAsAValueIsRefused() {
        ByteArrayOutputStream b = out(PROTO, 2, '}', 0x8c, 1, 'k', ']', MEMOIZE, 'h', 0, 'a', 's', '.');
        PickleFormatException e = refused(b.toByteArray());
        assertTrue(e.getMessage().contains("values nest deeper than " + RestrictedUnpickler.MAX_DEPTH + " levels"), e.getMessage());
    }

    @Test
    void tooManyMemoEntriesAreRefused() {
        ByteArrayOutputStream b = out(PROTO, 2, 'N');
        for (int i = 0; i <= RestrictedUnpickler.MAX_MEMO; i++) {
            b.write(MEMOIZE);
        }
        b.write('.');
        PickleFormatException e = refused(b.toByteArray());
        assertTrue(e.getMessage().contains("over the limit of " + RestrictedUnpickler.MAX_MEMO + " memo entries"), e.getMessage());
    }

    @Test
    void plainNestedDataStillLoads() {
        // {"a": [1, 2], "b": {"c": 3}}
        byte[] p = bytes(PROTO, 2, '}', '(', 0x8c, 1, 'a', ']', '(', 'K', 1, 'K', 2, 'e', 0x8c, 1, 'b', '}', 0x8c, 1, 'c', 'K', 3, 's', 'u', '.');
        Object o = RestrictedUnpickler.load("ok", MemorySegment.ofArray(p));
        assertEquals(Map.of("a", List.of(1L, 2L), "b", Map.of("c", 3L)), o);
    }

    // L_i = [L_{i-1}, L_{i-1}], each memoized as entry i (entry 0 is the empty list already on the stack).
    private static void doublingChain(ByteArrayOutputStream b, int levels) {
        for (int i = 1; i <= levels; i++) {
            write(b, ']', '(', 'h', i - 1, 'h', i - 1, 'e', MEMOIZE);
        }
    }

    private static ByteArrayOutputStream out(int... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        write(b, values);
        return b;
    }

    private static void write(ByteArrayOutputStream b, int... values) {
        for (int v : values) {
            b.write(v);
        }
    }

    private static byte[] bytes(int... values) {
        return out(values).toByteArray();
    }
}
