package io.sparkllama.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes a minimal torch.save-style zip (a state dict of Float or Half storages, stored entries) for tests. */
final class TorchZipWriter {
    /** A tensor to write: torch storage type (FloatStorage, HalfStorage, ...), shape and little-endian bytes. */
    record Tensor(String storage, long[] shape, byte[] data) {
        Tensor(long[] shape, byte[] data) {
            this("FloatStorage", shape, data);
        }

        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private TorchZipWriter() {
    }

    static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        ByteArrayOutputStream pkl = new ByteArrayOutputStream();
        pkl.write(new byte[] {(byte) 0x80, 2, '}', '('});
        int key = 0;
        Map<String, byte[]> storages = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            unicode(pkl, e.getKey());
            global(pkl, "torch._utils", "_rebuild_tensor_v2");
            pkl.write('(');
            pkl.write('(');
            unicode(pkl, "storage");
            global(pkl, "torch", t.storage());
            unicode(pkl, Integer.toString(key));
            unicode(pkl, "cpu");
            binint(pkl, t.elements());
            pkl.write('t');
            pkl.write('Q');
            binint(pkl, 0);
            tuple(pkl, t.shape());
            long[] stride = new long[t.shape().length];
            long s = 1;
            for (int i = stride.length - 1; i >= 0; i--) {
                stride[i] = s;
                s *= t.shape()[i];
            }
            tuple(pkl, stride);
            pkl.write(0x89);
            global(pkl, "collections", "OrderedDict");
            pkl.write(')');
            pkl.write('R');
            pkl.write('t');
            pkl.write('R');
            storages.put("archive/data/" + key, t.data());
            key++;
        }
        pkl.write('u');
        pkl.write('.');
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            stored(zip, "archive/data.pkl", pkl.toByteArray());
            stored(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, e.getKey(), e.getValue());
            }
        }
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static void unicode(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        le32(out, b.length);
        out.writeBytes(b);
    }

    private static void global(ByteArrayOutputStream out, String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void binint(ByteArrayOutputStream out, long v) {
        out.write('J');
        le32(out, (int) v);
    }

    private static void tuple(ByteArrayOutputStream out, long[] values) {
        out.write('(');
        for (long v : values) {
            binint(out, v);
        }
        out.write('t');
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
