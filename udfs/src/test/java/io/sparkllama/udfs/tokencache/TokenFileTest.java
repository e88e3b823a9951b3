package io.sparkllama.udfs.tokencache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token files: write, map back over several batches, read by Arrow's own reader, buffers inside the mapping, corrupt files refused, keys. */
class TokenFileTest {
    @TempDir
    Path tmp;

    @Test
    void roundTripsEveryRowAcrossBatches() {
        Path file = tmp.resolve(TokenFileLayout.fileName(3));
        List<int[]> rows = write(file, 2500);
        assertTrue(file.getFileName().toString().contains("00003"));
        try (MappedTokenFile m = MappedTokenFile.open(file)) {
            assertEquals(rows.size(), m.rows());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals("row-" + i, m.id(i));
                assertArrayEquals(rows.get(i), m.tokens(i), "row " + i);
            }
            assertNull(m.tokens(7), "a row with nothing to tokenize stays null");
        }
        assertEquals(List.of(file.getFileName().toString()), listing(), "no temp file left behind");
    }

    @Test
    void arrowsOwnFileReaderReadsTheSameRows() throws IOException {
        Path file = tmp.resolve("interop.arrow");
        List<int[]> rows = write(file, 1500);
        int row = 0;
        try (org.apache.arrow.memory.RootAllocator allocator = new org.apache.arrow.memory.RootAllocator();
             org.apache.arrow.vector.ipc.ArrowFileReader reader = new org.apache.arrow.vector.ipc.ArrowFileReader(
                     java.nio.channels.FileChannel.open(file), allocator)) {
            assertEquals(TokenFileLayout.schema(), reader.getVectorSchemaRoot().getSchema());
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                ListVector lists = (ListVector) root.getVector(TokenFileLayout.TOKEN_IDS);
                for (int i = 0; i < root.getRowCount(); i++, row++) {
                    assertEquals("row-" + row, root.getVector(TokenFileLayout.ID).getObject(i).toString());
                    List<?> ids = lists.getObject(i);
                    assertArrayEquals(rows.get(row), ids == null ? null : ids.stream().mapToInt(x -> (Integer) x).toArray());
                }
            }
        }
        assertEquals(rows.size(), row);
    }

    @Test
    void vectorsPointIntoTheMappingNotIntoCopies() {
        Path file = tmp.resolve("p.arrow");
        write(file, 1000);
        try (MappedTokenFile m = MappedTokenFile.open(file)) {
            VectorSchemaRoot root = m.batchOf(0);
            ListVector lists = (ListVector) root.getVector(TokenFileLayout.TOKEN_IDS);
            VarCharVector ids = (VarCharVector) root.getVector(TokenFileLayout.ID);
            IntVector values = (IntVector) lists.getDataVector();
            long lo = m.mapping().address();
            long hi = lo + m.mapping().byteSize();
            for (ArrowBuf b : List.of(values.getDataBuffer(), lists.getOffsetBuffer(), ids.getDataBuffer(), ids.getOffsetBuffer())) {
                assertTrue(b.memoryAddress() >= lo && b.memoryAddress() + b.capacity() <= hi,
                        "buffer at " + b.memoryAddress() + " (+" + b.capacity() + ") lies in the mapping [" + lo + ", " + hi + ")");
            }
            long valueBytes = (long) values.getValueCount() * Integer.BYTES;
            assertTrue(valueBytes > 100_000, "enough data to tell a copy from bitmaps: " + valueBytes);
            // Only validity bitmaps (a bit per row or value, rounded up by the allocator) are allocated.
            assertTrue(m.allocatedBytes() < valueBytes / 8, "allocated " + m.allocatedBytes() + " of " + valueBytes + " value bytes");
        }
    }

    @Test
    void truncatedOrGarbageFilesAreRefusedNamingTheFile() throws IOException {
        Path good = tmp.resolve("good.arrow");
        write(good, 50);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = tmp.resolve("truncated.arrow");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        CorruptTokenFileException e = assertThrows(CorruptTokenFileException.class, () -> MappedTokenFile.open(truncated));
        assertTrue(e.getMessage().contains("truncated.arrow") && e.getMessage().contains("magic"), e.getMessage());

        Path garbage = tmp.resolve("garbage.arrow");
        Files.write(garbage, "not arrow at all".getBytes());
        assertThrows(CorruptTokenFileException.class, () -> MappedTokenFile.open(garbage));

        Path empty = tmp.resolve("empty.arrow");
        Files.write(empty, new byte[0]);
        assertThrows(CorruptTokenFileException.class, () -> MappedTokenFile.open(empty));

        // Intact magic at both ends but a scrambled middle: the footer or block checks catch it.
        Path scrambled = tmp.resolve("scrambled.arrow");
        byte[] s = bytes.clone();
        for (int i = 8; i < s.length - 10; i++) {
            s[i] = (byte) (s[i] ^ 0x5A);
        }
        Files.write(scrambled, s);
        assertThrows(CorruptTokenFileException.class, () -> MappedTokenFile.open(scrambled));
    }

    @Test
    void offsetsPointingPastTheValuesAreRefusedAtOpen() throws IOException {
        Path file = tmp.resolve("offsets.arrow");
        try (TokenFileWriter w = new TokenFileWriter(file)) {
            w.add("a", new int[] {1, 2, 3});
            w.add("b", new int[] {4, 5});
            w.add("c", new int[] {6});
            w.commit();
        }
        byte[] bytes = Files.readAllBytes(file);
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = -1;
        for (int i = 0; i + 16 <= bytes.length; i += 4) {
            if (le.getInt(i) == 0 && le.getInt(i + 4) == 3 && le.getInt(i + 8) == 5 && le.getInt(i + 12) == 6) {
                at = i;
                break;
            }
        }
        assertTrue(at > 0, "the token_ids offsets [0, 3, 5, 6] are in the file");
        le.putInt(at + 12, 1000);
        Files.write(file, bytes);
        CorruptTokenFileException e = assertThrows(CorruptTokenFileException.class, () -> MappedTokenFile.open(file));
        assertTrue(e.getMessage().contains("offsets.arrow"), e.getMessage());
    }

    @Test
    void theKeyChangesWithTokenizerInputContentColumnBosAndLayout() {
        List<TokenCacheKey.InputFile> files = List.of(new TokenCacheKey.InputFile("file:/d/a.jsonl", 10, "aa11"));
        String base = TokenCacheKey.of("/d", files, "text", "tokenizer aaa", true, "partitions=3");
        assertEquals(base, TokenCacheKey.of("/d", files, "text", "tokenizer aaa", true, "partitions=3"));
        assertNotEquals(base, TokenCacheKey.of("/d", files, "text", "tokenizer bbb", true, "partitions=3"));
        assertNotEquals(base, TokenCacheKey.of("/d", List.of(new TokenCacheKey.InputFile("file:/d/a.jsonl", 11, "aa11")), "text",
                "tokenizer aaa", true, "partitions=3"));
        assertNotEquals(base, TokenCacheKey.of("/d", List.of(new TokenCacheKey.InputFile("file:/d/a.jsonl", 10, "aa12")), "text",
                "tokenizer aaa", true, "partitions=3"));
        assertNotEquals(base, TokenCacheKey.of("/d", files, "prompt", "tokenizer aaa", true, "partitions=3"));
        assertNotEquals(base, TokenCacheKey.of("/d", files, "text", "tokenizer aaa", false, "partitions=3"));
        assertNotEquals(base, TokenCacheKey.of("/d", files, "text", "tokenizer aaa", true, "partitions=4"));
        assertFalse(base.isEmpty());
    }

    private List<String> listing() {
        try (var s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<int[]> write(Path file, int n) {
        SplittableRandom r = new SplittableRandom(42);
        List<int[]> rows = new ArrayList<>();
        try (TokenFileWriter w = new TokenFileWriter(file)) {
            for (int i = 0; i < n; i++) {
                int[] t = i == 7 ? null : r.ints(1 + r.nextInt(200), 0, 32000).toArray();
                rows.add(t);
                w.add("row-" + i, t);
            }
            w.commit();
        }
        return rows;
    }
}
