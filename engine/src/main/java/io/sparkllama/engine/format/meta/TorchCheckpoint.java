package io.sparkllama.engine.format.meta;

import io.sparkllama.engine.error.CheckpointFormatException;
import io.sparkllama.engine.error.ZipFormatException;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.TensorView;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of one {@code torch.save} zip ({@code <dir>/data.pkl} plus {@code <dir>/data/<key>}
 * storages), each a view straight onto its stored zip entry. A state dict nested under
 * {@code model} or {@code state_dict} (training checkpoints, e.g. llama2.c's {@code ckpt.pt}) is found too.
 */
public final class TorchCheckpoint {
    private TorchCheckpoint() {
    }

    /**
     * @param tensors   the state dict's tensors by name ({@code _orig_mod.} of torch.compile dropped)
     * @param modelArgs the {@code model_args} dict a llama2.c training checkpoint carries, or null
     */
    public record Contents(Map<String, TensorView> tensors, Map<?, ?> modelArgs) {
    }

    public static Contents read(MappedFile file) {
        return read(file.path(), file.segment());
    }

    /** The contents of the checkpoint bytes {@code seg}; {@code file} names it in errors. */
    public static Contents read(Path file, MemorySegment seg) {
        String path = file.toString();
        ZipArchive zip = ZipArchive.read(path, seg);
        ZipArchive.Entry pkl = null;
        for (ZipArchive.Entry e : zip.entries().values()) {
            if (e.name().endsWith("data.pkl") && e.name().indexOf('/') == e.name().length() - "data.pkl".length() - 1) {
                pkl = e;
                break;
            }
        }
        if (pkl == null) {
            throw new ZipFormatException(path + ": no '<name>/data.pkl' entry: not a torch.save checkpoint");
        }
        String prefix = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
        ZipArchive.Entry order = zip.entries().get(prefix + "byteorder");
        if (order != null && !new String(zip.stored(order).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII).equals("little")) {
            throw new CheckpointFormatException(file + ": " + "tensors are stored big-endian; only little-endian checkpoints are supported");
        }
        Object root = RestrictedUnpickler.load(path + ":" + pkl.name(), zip.stored(pkl));
        Map<?, ?> dict = stateDict(path, root);
        Map<String, TensorView> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (e.getKey() instanceof String name && e.getValue() instanceof TorchTensor t) {
                String clean = name.startsWith("_orig_mod.") ? name.substring("_orig_mod.".length()) : name;
                out.put(clean, view(path, zip, prefix, clean, t));
            }
        }
        if (out.isEmpty()) {
            throw new CheckpointFormatException(file + ": " + "the checkpoint holds no tensors");
        }
        Map<?, ?> args = root instanceof Map<?, ?> m && m.get("model_args") instanceof Map<?, ?> a ? a : null;
        return new Contents(out, args);
    }

    private static Map<?, ?> stateDict(String path, Object root) {
        if (!(root instanceof Map<?, ?> map)) {
            throw new CheckpointFormatException(path + ": data.pkl holds a " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", not a state dict");
        }
        for (String key : new String[] {"model", "state_dict"}) {
            if (map.get(key) instanceof Map<?, ?> nested) {
                return nested;
            }
        }
        return map;
    }

    private static TensorView view(String path, ZipArchive zip, String prefix, String name, TorchTensor t) {
        if (!t.contiguous()) {
            throw new CheckpointFormatException(path + ": tensor '" + name + "' is not contiguous; save it with .contiguous()");
        }
        ZipArchive.Entry e = zip.entries().get(prefix + "data/" + t.storage().key());
        if (e == null) {
            throw new ZipFormatException(path + ": tensor '" + name + "' refers to storage '" + t.storage().key() + "', which is missing");
        }
        MemorySegment storage = zip.stored(e);
        long elemBytes = t.storage().type().byteSize(1);
        long elements = 1;
        try {
            for (long d : t.size()) {
                if (d < 0) {
                    throw new CheckpointFormatException(path + ": tensor '" + name + "' has a negative dimension " + d);
                }
                elements = Math.multiplyExact(elements, d);
            }
            if (t.offset() < 0) {
                throw new CheckpointFormatException(path + ": tensor '" + name + "' has a negative storage offset " + t.offset());
            }
            long start = Math.multiplyExact(t.offset(), elemBytes);
            long bytes = Math.multiplyExact(elements, elemBytes);
            if (Math.addExact(start, bytes) > storage.byteSize()) {
                throw new CheckpointFormatException(path + ": tensor '" + name + "' (" + elements + " elements at offset " + t.offset()
                        + ") runs past its storage of " + storage.byteSize() + " bytes");
            }
            return new TensorView(name, t.storage().type(), t.size(), storage.asSlice(start, bytes));
        } catch (ArithmeticException ex) {
            throw new CheckpointFormatException(path + ": tensor '" + name + "' has an implausibly large shape");
        }
    }
}
