package io.sparkllama.engine.format.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkllama.engine.error.SafetensorsFormatException;
import io.sparkllama.engine.format.MappedFile;
import io.sparkllama.engine.format.TensorView;
import io.sparkllama.engine.tensor.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .safetensors} file: u64 header length, a JSON header {@code name -> {dtype, shape,
 * data_offsets}}, then the tensor bytes. Every tensor is validated (dtype, shape x dtype size equals
 * its span, span inside the file, no two spans overlapping) and mapped, never copied.
 */
public final class SafetensorsReader {
    /** The format's own limit on the header, so a hostile length is refused before allocation. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SafetensorsReader() {
    }

    /** The tensors of {@code file} in header order, as views of its mapping. */
    public static Map<String, TensorView> read(MappedFile file) {
        String path = file.path().toString();
        MemorySegment seg = file.segment();
        long size = seg.byteSize();
        if (size < 8) {
            throw fail(path, "file has " + size + " bytes, too short for the 8-byte header length");
        }
        long headerLen = seg.get(LONG, 0);
        if (headerLen < 2 || headerLen > size - 8 || headerLen > MAX_HEADER_BYTES) {
            throw fail(path, "header length " + Long.toUnsignedString(headerLen) + " does not fit the file of " + size
                    + " bytes (limit " + MAX_HEADER_BYTES + "): truncated or not a safetensors file");
        }
        byte[] header = seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JacksonException e) {
            throw fail(path, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            throw fail(path, "header cannot be read (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw fail(path, "header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        MemorySegment data = seg.asSlice(dataStart);
        Map<String, TensorView> out = new LinkedHashMap<>();
        List<long[]> spans = new ArrayList<>();
        List<String> spanNames = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            TensorView t = tensor(path, name, e.getValue(), data);
            spans.add(new long[] {t.data().address() - data.address(), t.data().byteSize(), spans.size()});
            spanNames.add(name);
            out.put(name, t);
        }
        spans.sort(Comparator.comparingLong((long[] s) -> s[0]).thenComparingLong(s -> s[1]));
        for (int i = 1; i < spans.size(); i++) {
            long[] prev = spans.get(i - 1);
            long[] cur = spans.get(i);
            if (cur[0] < prev[0] + prev[1]) {
                throw fail(path, "tensors '" + spanNames.get((int) prev[2]) + "' and '" + spanNames.get((int) cur[2])
                        + "' overlap (data_offsets [" + prev[0] + ", " + (prev[0] + prev[1]) + ") and [" + cur[0] + ", ...))");
            }
        }
        return out;
    }

    private static TensorView tensor(String path, String name, JsonNode info, MemorySegment data) {
        if (!info.isObject()) {
            throw fail(path, "tensor '" + name + "': header entry is not an object");
        }
        JsonNode dtypeNode = info.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail(path, "tensor '" + name + "': dtype is missing");
        }
        WeightType type = switch (dtypeNode.asText()) {
            case "F32" -> WeightType.F32;
            case "F16" -> WeightType.F16;
            case "BF16" -> WeightType.BF16;
            default -> throw fail(path, "tensor '" + name + "': dtype " + dtypeNode.asText()
                    + " is not supported (F32, F16 and BF16 are)");
        };
        JsonNode shapeNode = info.get("shape");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.size() > 8) {
            throw fail(path, "tensor '" + name + "': shape is missing or not an array of at most 8 dimensions");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw fail(path, "tensor '" + name + "': shape entry " + d + " is not a dimension");
            }
            shape[i] = d.asLong();
            elements = multiply(path, name, elements, shape[i]);
        }
        JsonNode offsets = info.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw fail(path, "tensor '" + name + "': data_offsets must be [begin, end]");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > data.byteSize()) {
            throw fail(path, "tensor '" + name + "': data_offsets [" + begin + ", " + end + "] lie outside the "
                    + data.byteSize() + " data bytes of the file (truncated?)");
        }
        long bytes = multiply(path, name, elements, type.byteSize(1));
        if (bytes != end - begin) {
            throw fail(path, "tensor '" + name + "': shape " + shapeNode + " of " + type + " needs " + bytes
                    + " bytes but data_offsets span " + (end - begin));
        }
        return new TensorView(name, type, shape, data.asSlice(begin, bytes));
    }

    private static long multiply(String path, String name, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw fail(path, "tensor '" + name + "': shape is implausibly large");
        }
    }

    private static SafetensorsFormatException fail(String path, String problem) {
        return new SafetensorsFormatException(path + ": " + problem);
    }
}
