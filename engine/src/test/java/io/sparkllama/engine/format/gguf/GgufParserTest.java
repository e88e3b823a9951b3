package io.sparkllama.engine.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.format.MappedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF header reader on files written here: every value type, nested arrays, alignment, data offset. */
class GgufParserTest {
    @TempDir
    Path tmp;

    /** Little-endian GGUF writer for the tests. */
    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u32(long v) {
            return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }

        Writer u64(long v) {
            return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        Writer str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return u64(b.length).bytes(b);
        }

        Writer bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Writer key(String k, int type) {
            return str(k).u32(type);
        }
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = tmp.resolve("t.gguf");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsEveryValueTypeAlignmentAndTensorData() throws IOException {
        Writer w = new Writer();
        w.u32(GgufFile.MAGIC).u32(3).u64(1).u64(16);
        w.key("u8", 0).bytes(new byte[] {(byte) 200});
        w.key("i8", 1).bytes(new byte[] {-5});
        w.key("u16", 2).bytes(new byte[] {(byte) 0xFF, (byte) 0xFF});
        w.key("i16", 3).bytes(new byte[] {(byte) 0xFE, (byte) 0xFF});
        w.key("u32", 4).u32(0xFFFFFFFFL);
        w.key("i32", 5).u32(-7);
        w.key("f32", 6).bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).array());
        w.key("bool", 7).bytes(new byte[] {1});
        w.key("tokenizer.chat_template", 8).str("{{ messages }} ▁");
        w.key("u64", 10).u64(1L << 40);
        w.key("i64", 11).u64(-9);
        w.key("f64", 12).bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).array());
        w.key("strings", 9).u32(8).u64(2).str("a").str("bc");
        w.key("floats", 9).u32(6).u64(2).bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(-2f).array());
        w.key("nested", 9).u32(9).u64(2).u32(5).u64(1).u32(42).u32(5).u64(0);
        w.key("general.alignment", 4).u32(64);
        w.str("t").u32(2).u64(4).u64(2).u32(0).u64(0);
        int header = w.out.size();
        int dataStart = (header + 63) / 64 * 64;
        w.bytes(new byte[dataStart - header]);
        ByteBuffer data = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 8; i++) {
            data.putFloat(i + 0.5f);
        }
        w.bytes(data.array());
        try (MappedFile f = MappedFile.open(write(w.out.toByteArray()))) {
            GgufFile g = GgufFile.read(f);
            GgufMetadata md = g.metadata();
            assertEquals(3, g.version());
            assertEquals(200L, md.get("u8"));
            assertEquals(-5L, md.get("i8"));
            assertEquals(65535L, md.get("u16"));
            assertEquals(-2L, md.get("i16"));
            assertEquals(4294967295L, md.get("u32"));
            assertEquals(-7, md.integer("i32"));
            assertEquals(1.5f, md.number("f32", 0));
            assertTrue(md.bool("bool", false));
            assertEquals("{{ messages }} ▁", md.chatTemplate());
            assertEquals(1L << 40, md.get("u64"));
            assertEquals(-9L, md.get("i64"));
            assertEquals(0.25f, md.number("f64", 0));
            assertArrayEquals(new String[] {"a", "bc"}, md.stringArray("strings"));
            assertArrayEquals(new float[] {1f, -2f}, md.floatArray("floats"));
            Object[] nested = (Object[]) md.get("nested");
            assertArrayEquals(new long[] {42}, (long[]) nested[0]);
            assertArrayEquals(new long[] {}, (long[]) nested[1]);
            assertEquals(dataStart, g.dataOffset());
            GgufTensorInfo t = g.tensors().get("t");
            assertArrayEquals(new long[] {4, 2}, t.dims());
            assertEquals(32, t.byteSize());
            assertEquals(7.5f, g.tensorData(t).get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 28));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> md.integer("u64"));
            assertTrue(e.getMessage().contains("u64"), e.getMessage());
            e = assertThrows(ModelFormatException.class, () -> md.string("missing.key"));
            assertTrue(e.getMessage().contains("missing.key is missing"), e.getMessage());
        }
    }

    @Test
    void refusesMisalignedTensorAndHugeArray() throws IOException {
        Writer w = new Writer();
        w.u32(GgufFile.MAGIC).u32(2).u64(1).u64(0);
        w.str("t").u32(1).u64(8).u32(0).u64(4);
        w.bytes(new byte[64]);
        try (MappedFile f = MappedFile.open(write(w.out.toByteArray()))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.read(f));
            assertTrue(e.getMessage().contains("tensor t offset 4 is not a multiple of the alignment 32"), e.getMessage());
        }
        Writer a = new Writer();
        a.u32(GgufFile.MAGIC).u32(3).u64(0).u64(1);
        a.key("tokenizer.ggml.scores", 9).u32(6).u64(1L << 60);
        try (MappedFile f = MappedFile.open(write(a.out.toByteArray()))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.read(f));
            assertTrue(e.getMessage().contains("metadata tokenizer.ggml.scores claims 1152921504606846976 elements"), e.getMessage());
        }
    }

    @Test
    void realFilesHaveNoChatTemplateButTheirVocabulary() {
        try (MappedFile f = MappedFile.open(SharedFiles.require("models/llama2-tokenizer/ggml-vocab-llama-spm.gguf"))) {
            GgufFile g = GgufFile.read(f);
            assertNull(g.metadata().chatTemplate());
            assertEquals(32000, g.metadata().stringArray("tokenizer.ggml.tokens").length);
            assertEquals(0, g.tensors().size());
        }
    }
}
