package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.PickleFormatException;
import io.sparkllama.engine.error.UnsafePickleException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the pickle of a PyTorch checkpoint ({@code data.pkl}) into plain Java values without running
 * anything: dicts become {@link LinkedHashMap}s, lists {@link ArrayList}s, tuples {@code Object[]},
 * ints {@link Long}, floats {@link Double}, strings {@link String}, tensors {@link TorchTensor}.
 *
 * <p>Only the opcodes a state dict needs are understood, and only the globals of {@link PickleGlobal};
 * any other global (say {@code os.system}) is refused by name as soon as it is read, before
 * anything could be called. Every length is checked against the bytes left.
 *
 * <p>Plain data can still be hostile: memo references let a few hundred bytes describe a list that
 * holds itself or a structure that doubles at each of 60 levels, which hangs or overflows whoever
 * hashes, prints or walks it. So the reader bounds what it builds: at most {@value #MAX_MEMO} memo
 * entries and {@value #MAX_OBJECTS} values; dict keys must be hashable as in Python (no lists or
 * dicts, whose Java hashes recurse); and the result, walked once without recursion, may nest at most
 * {@value #MAX_DEPTH} levels and expand to at most {@value #MAX_EXPANDED} values counting shared ones
 * each time they are reached (a cycle never ends, so it exceeds this too). A checkpoint is a shallow
 * dict of tensors, far inside these bounds.
 */
public final class RestrictedUnpickler {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int MAX_MEMO = 1 << 20;
    static final int MAX_OBJECTS = 1 << 24;
    static final int MAX_DEPTH = 100;
    static final int MAX_EXPANDED = 1 << 22;
    /** Marks the start of a variable-length group on the stack. */
    private static final Object MARK = new Object();

    private final String file;
    private final MemorySegment in;
    private long pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private long objects;

    private RestrictedUnpickler(String file, MemorySegment in) {
        this.file = file;
        this.in = in;
    }

    /** The object the pickle describes. @param file named in errors, e.g. "model.pth:consolidated/data.pkl" */
    public static Object load(String file, MemorySegment pickle) {
        return new RestrictedUnpickler(file, pickle).run();
    }

    private Object run() {
        while (true) {
            long at = pos;
            int op = u8();
            if (++objects > MAX_OBJECTS) {
                throw fail("more than " + MAX_OBJECTS + " opcodes; a checkpoint's pickle is far smaller");
            }
            switch (op) {
                case 0x80 -> u8();                                        // PROTO
                case 0x95 -> bytes(8);                                    // FRAME: a length hint only
                case '.' -> {                                             // STOP
                    if (stack.size() != 1) {
                        throw fail("STOP at byte " + at + " with " + stack.size() + " values on the stack");
                    }
                    checkShape(stack.getFirst());
                    return stack.getFirst();
                }
                case '(' -> stack.add(MARK);
                case '}' -> stack.add(new LinkedHashMap<>());
                case ']' -> stack.add(new ArrayList<>());
                case ')' -> stack.add(new Object[0]);
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'K' -> stack.add((long) u8());                       // BININT1
                case 'M' -> stack.add((long) Short.toUnsignedInt(in.get(SHORT, take(2))));
                case 'J' -> stack.add((long) in.get(INT, take(4)));       // BININT
                case 0x8a -> stack.add(long1());                          // LONG1
                case 'G' -> stack.add(in.get(DOUBLE_BE, take(8)));        // BINFLOAT
                case 'X' -> stack.add(utf8(u32()));                       // BINUNICODE
                case 0x8c -> stack.add(utf8(u8()));                       // SHORT_BINUNICODE
                case 0x8d -> stack.add(utf8(in.get(LONG, take(8))));      // BINUNICODE8
                case 'U' -> stack.add(utf8(u8()));                        // SHORT_BINSTRING
                case 'T' -> stack.add(utf8(u32()));                       // BINSTRING
                case 'C' -> stack.add(bytes(u8()));                       // SHORT_BINBYTES
                case 'B' -> stack.add(bytes(u32()));                      // BINBYTES
                case 'q' -> memoPut(u8(), top(at), at);                   // BINPUT
                case 'r' -> memoPut(u32(), top(at), at);                  // LONG_BINPUT
                case 0x94 -> memoPut(memo.size(), top(at), at);           // MEMOIZE
                case 'h' -> stack.add(memoGet(u8(), at));                 // BINGET
                case 'j' -> stack.add(memoGet(u32(), at));                // LONG_BINGET
                case 't' -> stack.add(popMark(at).toArray());             // TUPLE
                case 0x85 -> stack.add(new Object[] {pop(at)});           // TUPLE1
                case 0x86 -> {                                            // TUPLE2
                    Object b = pop(at);
                    stack.add(new Object[] {pop(at), b});
                }
                case 0x87 -> {                                            // TUPLE3
                    Object c = pop(at);
                    Object b = pop(at);
                    stack.add(new Object[] {pop(at), b, c});
                }
                case 'a' -> {                                             // APPEND
                    Object v = pop(at);
                    list(top(at), at).add(v);
                }
                case 'e' -> {                                             // APPENDS
                    List<Object> items = popMark(at);
                    list(top(at), at).addAll(items);
                }
                case 's' -> {                                             // SETITEM
                    Object v = pop(at);
                    Object k = pop(at);
                    dict(top(at), at).put(hashableKey(k, at), v);
                }
                case 'u' -> {                                             // SETITEMS
                    List<Object> items = popMark(at);
                    if (items.size() % 2 != 0) {
                        throw fail("SETITEMS at byte " + at + " has an odd number of values");
                    }
                    Map<Object, Object> d = dict(top(at), at);
                    for (int i = 0; i < items.size(); i += 2) {
                        d.put(hashableKey(items.get(i), at), items.get(i + 1));
                    }
                }
                case 'c' -> stack.add(global(line(), line()));            // GLOBAL
                case 0x93 -> {                                            // STACK_GLOBAL
                    Object name = pop(at);
                    Object module = pop(at);
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL at byte " + at + " without two strings");
                    }
                    stack.add(global(m, n));
                }
                case 'i' -> throw unsafe(line() + "." + line(), "INST");  // instantiates a class by name
                case 'Q' -> stack.add(persistent(pop(at), at));          // BINPERSID
                case 'R' -> {                                             // REDUCE
                    Object args = pop(at);
                    Object callable = pop(at);
                    stack.add(reduce(callable, args, at));
                }
                case 'b' -> {                                             // BUILD: object state, ignored
                    pop(at);
                    Object target = top(at);
                    if (!(target instanceof Map) && !(target instanceof TorchTensor)) {
                        throw fail("BUILD at byte " + at + " on a " + describe(target) + "; only dicts and tensors may carry state");
                    }
                }
                default -> throw fail("opcode 0x" + Integer.toHexString(op) + " at byte " + at
                        + " is not accepted in a checkpoint (only plain data and tensor storage are)");
            }
        }
    }

    private Object global(String module, String name) {
        PickleGlobal g = PickleGlobal.lookup(module, name);
        if (g == null) {
            throw unsafe(module + "." + name, "GLOBAL");
        }
        return g;
    }

    private Object persistent(Object pid, long at) {
        if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                || !(t[1] instanceof PickleGlobal g) || g.storageType() == null
                || !(t[2] instanceof String key) || !(t[4] instanceof Long numel) || numel < 0) {
            throw fail("persistent id at byte " + at + " is not ('storage', torch.FloatStorage|BFloat16Storage|HalfStorage, key, location, numel)");
        }
        return new TorchStorage(g.storageType(), key, numel);
    }

    private Object reduce(Object callable, Object args, long at) {
        if (!(callable instanceof PickleGlobal g) || !(args instanceof Object[] a)) {
            throw fail("REDUCE at byte " + at + " calls a " + describe(callable) + "; only OrderedDict and tensor rebuilds are accepted");
        }
        switch (g) {
            case ORDERED_DICT -> {
                if (a.length != 0) {
                    throw fail("OrderedDict at byte " + at + " with arguments");
                }
                return new LinkedHashMap<>();
            }
            case REBUILD_TENSOR_V2 -> {
                if (a.length < 4 || !(a[0] instanceof TorchStorage s) || !(a[1] instanceof Long off)
                        || !(a[2] instanceof Object[] size) || !(a[3] instanceof Object[] stride) || size.length != stride.length) {
                    throw fail("_rebuild_tensor_v2 at byte " + at + " has arguments " + describe(args)
                            + ", expected (storage, offset, size, stride, ...)");
                }
                return new TorchTensor(s, off, longs(size, at), longs(stride, at));
            }
            case REBUILD_PARAMETER -> {
                if (a.length < 1 || !(a[0] instanceof TorchTensor t)) {
                    throw fail("_rebuild_parameter at byte " + at + " without a tensor");
                }
                return t;
            }
            default -> throw fail("REDUCE at byte " + at + " calls storage type " + g + ", which is data, not a function");
        }
    }

    private long[] longs(Object[] values, long at) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Long v) || v < 0) {
                throw fail("tensor size or stride at byte " + at + " holds " + describe(values[i]));
            }
            out[i] = v;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, long at) {
        if (!(o instanceof Map)) {
            throw fail("dict operation at byte " + at + " on a " + describe(o));
        }
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, long at) {
        if (!(o instanceof ArrayList)) {
            throw fail("list operation at byte " + at + " on a " + describe(o));
        }
        return (List<Object>) o;
    }

    private List<Object> popMark(long at) {
        for (int i = stack.size() - 1; i >= 0; i--) {
            if (stack.get(i) == MARK) {
                List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
                stack.subList(i, stack.size()).clear();
                return items;
            }
        }
        throw fail("opcode at byte " + at + " needs a MARK that is not there");
    }

    private Object pop(long at) {
        Object o = top(at);
        stack.removeLast();
        return o;
    }

    private Object top(long at) {
        if (stack.isEmpty() || stack.getLast() == MARK) {
            throw fail("opcode at byte " + at + " needs a value on the stack");
        }
        return stack.getLast();
    }

    private void memoPut(long key, Object value, long at) {
        if (memo.size() >= MAX_MEMO && !memo.containsKey(key)) {
            throw fail("memo entry " + key + " stored at byte " + at + " is over the limit of " + MAX_MEMO + " memo entries");
        }
        memo.put(key, value);
    }

    // Python refuses lists and dicts as keys (unhashable); in Java their hashes recurse through
    // their elements, endlessly for a list holding itself, exponentially for shared nesting.
    private Object hashableKey(Object k, long at) {
        if (k instanceof List || k instanceof Map) {
            throw fail("dict key at byte " + at + " is a " + describe(k) + ", which is unhashable (Python refuses it too)");
        }
        return k;
    }

    // One walk without recursion over the result as a tree: shared values count each time they are
    // reached, so a cycle or a doubling structure hits MAX_EXPANDED instead of running forever.
    private void checkShape(Object root) {
        java.util.ArrayDeque<Object[]> todo = new java.util.ArrayDeque<>();
        todo.push(new Object[] {root, 1});
        long seen = 0;
        while (!todo.isEmpty()) {
            Object[] e = todo.pop();
            int depth = (Integer) e[1];
            if (depth > MAX_DEPTH) {
                throw fail("values nest deeper than " + MAX_DEPTH + " levels; a checkpoint is a shallow dict of tensors");
            }
            if (++seen > MAX_EXPANDED) {
                throw fail("values expand to more than " + MAX_EXPANDED + " (a container that holds itself, or shared"
                        + " references that multiply at each level); a checkpoint is a shallow dict of tensors");
            }
            Iterable<?> children = e[0] instanceof Map<?, ?> m ? concat(m) : e[0] instanceof List<?> l ? l
                    : e[0] instanceof Object[] t ? java.util.Arrays.asList(t) : List.of();
            for (Object c : children) {
                if (c instanceof Map || c instanceof List || c instanceof Object[]) {
                    todo.push(new Object[] {c, depth + 1});
                } else if (++seen > MAX_EXPANDED) {
                    throw fail("values expand to more than " + MAX_EXPANDED + "; a checkpoint is a shallow dict of tensors");
                }
            }
        }
    }

    private static List<Object> concat(Map<?, ?> m) {
        List<Object> out = new ArrayList<>(m.size() * 2);
        out.addAll(m.keySet());
        out.addAll(m.values());
        return out;
    }

    private Object memoGet(long key, long at) {
        if (!memo.containsKey(key)) {
            throw fail("memo entry " + key + " read at byte " + at + " was never stored");
        }
        return memo.get(key);
    }

    private Long long1() {
        int n = u8();
        if (n > 8) {
            throw fail("LONG1 of " + n + " bytes at byte " + pos + " does not fit 64 bits");
        }
        long v = 0;
        long p = take(n);
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (in.get(ValueLayout.JAVA_BYTE, p + i) & 0xFF);
        }
        if (n > 0 && n < 8 && (in.get(ValueLayout.JAVA_BYTE, p + n - 1) & 0x80) != 0) {
            v -= 1L << (8 * n);     // two's complement of n bytes
        }
        return v;
    }

    /** A newline-terminated ASCII line (GLOBAL's module and name), at most 256 bytes. */
    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() > 256) {
                throw fail("GLOBAL name longer than 256 bytes at byte " + pos);
            }
            sb.append((char) c);
        }
    }

    private String utf8(long len) {
        return new String(bytes(len), StandardCharsets.UTF_8);
    }

    private byte[] bytes(long len) {
        long p = take(len);
        return in.asSlice(p, len).toArray(ValueLayout.JAVA_BYTE);
    }

    private long u32() {
        return Integer.toUnsignedLong(in.get(INT, take(4)));
    }

    private int u8() {
        return Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, take(1)));
    }

    /** Claims {@code n} bytes, checked against what is left before anything is read or allocated. */
    private long take(long n) {
        if (n < 0 || n > in.byteSize() - pos) {
            throw fail("truncated: " + n + " bytes needed at byte " + pos + " of " + in.byteSize());
        }
        long p = pos;
        pos += n;
        return p;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof Object[] a ? "tuple of " + a.length : o.getClass().getSimpleName();
    }

    private PickleFormatException fail(String problem) {
        return new PickleFormatException(file + ": " + problem);
    }

    private UnsafePickleException unsafe(String global, String opcode) {
        return new UnsafePickleException(file + ": the pickle references global '" + global + "' (" + opcode
                + "), which a checkpoint has no need of; refused without running anything. If this is a genuine "
                + "checkpoint, re-save its weights alone with torch.save(model.state_dict(), path)");
    }
}
