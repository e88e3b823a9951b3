package io.sparkllama.engine.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkllama.engine.Engine;
import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.ChecksumMismatchException;
import io.sparkllama.engine.error.ModelMismatchException;
import io.sparkllama.engine.error.SafetensorsFormatException;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.engine.error.UnsafePickleException;
import io.sparkllama.engine.error.ZipFormatException;
import io.sparkllama.engine.format.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Broken and hostile safetensors and .pth files from ../shared/models/bad are refused clearly; no pickle code runs. */
class HostileCheckpointTest {
    private static final Path PICKLE_RAN = Path.of("/tmp/SPARK_LLAMA_PICKLE_RAN");

    @TempDir
    Path tmp;

    @AfterAll
    static void noPickleCodeRan() {
        assertFalse(Files.exists(PICKLE_RAN), PICKLE_RAN + " exists: pickle code ran");
    }

    private static <T extends SparkLlamaException> T refused(Class<T> type, Path file, String... fragments) {
        T e = assertThrows(type, () -> Engine.open(file, SharedFiles.require("models/stories260K/tok512.bin"), 0).close());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), "message names the file: " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
        return e;
    }

    @ParameterizedTest
    @CsvSource({
        "evil-os-system.pth, os.system",
        "evil-posix-system.pth, posix.system",
        "evil-builtins-eval.pth, builtins.eval",
        "evil-inside-state-dict.pth, subprocess.Popen",
    })
    void dangerousGlobalsAreRefusedByName(String file, String global) {
        refused(UnsafePickleException.class, SharedFiles.require("models/bad/" + file), global, "refused without running anything");
        assertFalse(Files.exists(PICKLE_RAN));
    }

    @ParameterizedTest
    @CsvSource({
        "pth-missing-data-pkl.pth, data.pkl",
        "pth-not-a-zip.pth, not a zip",
    })
    void brokenZips(String file, String expected) {
        refused(ZipFormatException.class, SharedFiles.require("models/bad/" + file), expected);
    }

    @ParameterizedTest
    @CsvSource({
        "st-header-longer-than-file.safetensors, does not fit the file",
        "st-header-not-json.safetensors, not valid JSON",
        "st-offsets-out-of-range.safetensors, lie outside",
        "st-overlapping-tensors.safetensors, overlap",
        "st-shape-size-mismatch.safetensors, data_offsets span",
    })
    void brokenSafetensors(String file, String expected) {
        Path p = SharedFiles.require("models/bad/" + file);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> {
            try (MappedFile f = MappedFile.open(p)) {
                SafetensorsReader.read(f);
            }
        });
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void brokenSafetensorsInAModelDirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("hf"));
        Files.copy(SharedFiles.require("models/stories260K/hf/config.json"), dir.resolve("config.json"));
        Files.copy(SharedFiles.require("models/bad/st-overlapping-tensors.safetensors"), dir.resolve("model.safetensors"));
        refused(SafetensorsFormatException.class, dir, "overlap");
    }

    @Test
    void compressedEntriesAreRefused() throws IOException {
        Path p = tmp.resolve("deflated.pth");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(p))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));   // DEFLATED by default
            zip.write(new byte[] {(byte) 0x80, 2, '}', '.'});
            zip.closeEntry();
        }
        refused(ZipFormatException.class, p, "compressed", "torch.save");
    }

    @Test
    void checksumMismatch() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("meta"));
        Path src = SharedFiles.require("models/stories260K/meta");
        byte[] pth = Files.readAllBytes(src.resolve("consolidated.00.pth"));
        pth[pth.length / 2] ^= 1;
        Files.write(dir.resolve("consolidated.00.pth"), pth);
        Files.copy(src.resolve("params.json"), dir.resolve("params.json"));
        Files.copy(src.resolve("checklist.chk"), dir.resolve("checklist.chk"));
        refused(ChecksumMismatchException.class, dir.resolve("consolidated.00.pth"), "MD5");
    }

    @Test
    void tokenizerOfAnotherModel() {
        Path model = SharedFiles.require("models/stories260K/meta");
        Path tok = SharedFiles.require("models/llama2-tokenizer/tokenizer.model");
        ModelMismatchException e = assertThrows(ModelMismatchException.class, () -> Engine.open(model, tok, 0).close());
        assertTrue(e.getMessage().contains("vocab_size 512") && e.getMessage().contains("32000"), e.getMessage());
    }
}
