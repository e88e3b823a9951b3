package io.sparkllama.engine.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import io.sparkllama.engine.SharedFiles;
import io.sparkllama.engine.error.ModelFormatException;
import io.sparkllama.engine.error.SparkLlamaException;
import io.sparkllama.engine.error.TokenizerFormatException;
import io.sparkllama.engine.format.JsonConfigFile;
import io.sparkllama.engine.format.LlamaWeightAssembler;
import io.sparkllama.engine.format.TensorNames;
import io.sparkllama.engine.format.TensorTable;
import io.sparkllama.engine.format.hf.HfConfig;
import io.sparkllama.engine.format.hf.HfTokenizerReader;
import io.sparkllama.engine.format.llama2c.Llama2cModelReader;
import io.sparkllama.engine.format.llama2c.Llama2cTokenizerReader;
import io.sparkllama.engine.format.meta.MetaParams;
import io.sparkllama.engine.format.meta.TorchCheckpoint;
import io.sparkllama.engine.format.safetensors.SafetensorsReader;
import io.sparkllama.engine.format.sentencepiece.SentencePieceModelReader;
import io.sparkllama.engine.format.tiktoken.TiktokenReader;
import io.sparkllama.engine.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutations and truncations of real headers: each reader may only throw its format's own
 * {@link SparkLlamaException} (never an index, arithmetic, out-of-memory or other error, never hang).
 */
@Timeout(60)
class FormatFuzzTest {
    private static final Path NAME = Path.of("fuzzed");

    private static byte[] bytes(String relative) throws IOException {
        return Files.readAllBytes(SharedFiles.require(relative));
    }

    /** Runs {@code cases} mutations through {@code reader}, allowing only {@code allowed} exceptions. */
    private static void fuzz(String what, Mutator m, int cases, Class<? extends SparkLlamaException> allowed, Consumer<MemorySegment> reader) {
        reader.accept(m.unmodified());   // the reader accepts the real bytes, so refusals below are the mutations' doing
        int refused = 0;
        for (long seed = 0; seed < cases; seed++) {
            MemorySegment seg = m.mutate(seed);
            try {
                reader.accept(seg);
            } catch (SparkLlamaException e) {
                if (!allowed.isInstance(e)) {
                    fail(what + " case " + seed + ": " + e.getClass().getSimpleName() + " instead of " + allowed.getSimpleName() + ": " + e.getMessage());
                }
                refused++;
            } catch (Throwable t) {
                throw new AssertionError(what + " case " + seed + " (bytes " + seg.byteSize() + "): " + t, t);
            }
        }
        System.out.printf("fuzz %s: %d cases, %d refused%n", what, cases, refused);
    }

    @Test
    void safetensors() throws IOException {
        byte[] file = bytes("models/stories260K/hf/model.safetensors");
        int headerEnd = 8 + (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ModelConfig config = HfConfig.read(SharedFiles.require("models/stories260K/hf/config.json")).model();
        fuzz("safetensors", new Mutator(file, 0, headerEnd), 1000, ModelFormatException.class, seg ->
                LlamaWeightAssembler.assemble(config, new TensorTable("fuzzed", SafetensorsReader.read("fuzzed", seg)), TensorNames.HF, true, true));
    }

    @Test
    void pthZipAndPickle() throws IOException {
        byte[] file = bytes("models/stories260K/meta/consolidated.00.pth");
        ModelConfig config = MetaParams.read(JsonConfigFile.read(SharedFiles.require("models/stories260K/meta/params.json")), -1);
        Consumer<MemorySegment> read = seg -> LlamaWeightAssembler.assemble(config,
                new TensorTable("fuzzed", TorchCheckpoint.read(NAME, seg).tensors()), TensorNames.META, false, true);
        // data.pkl is the first entry (its header and the pickle: ~5 KB), the central directory the tail.
        fuzz("pth data.pkl", new Mutator(file, 0, 5000), 700, ModelFormatException.class, read);
        fuzz("pth central directory", new Mutator(file, file.length - 5200, file.length), 500, ModelFormatException.class, read);
    }

    @Test
    void paramsJson() throws IOException {
        byte[] file = bytes("models/tiny-random-llama3/meta/params.json");
        fuzz("params.json", new Mutator(file, 0, file.length), 600, ModelFormatException.class, seg ->
                MetaParams.read(JsonConfigFile.parse(NAME, seg.toArray(ValueLayout.JAVA_BYTE)), 128256));
    }

    @Test
    void sentencePieceProtobuf() throws IOException {
        byte[] file = bytes("models/llama2-tokenizer/tokenizer.model");
        // The first pieces and the trainer/normalizer specs at the end hold every message kind.
        fuzz("tokenizer.model head", new Mutator(file, 0, 2000), 150, TokenizerFormatException.class,
                seg -> SentencePieceModelReader.read(NAME, seg));
        fuzz("tokenizer.model tail", new Mutator(file, file.length - 2000, file.length), 150, TokenizerFormatException.class,
                seg -> SentencePieceModelReader.read(NAME, seg));
    }

    @Test
    void tiktokenRanks() throws IOException {
        // The first 3000 lines of Llama 3's tokenizer.model: a complete ranks file that parses in milliseconds.
        byte[] file = bytes("models/llama3-tokenizer/tokenizer.model");
        int end = 0;
        for (int lines = 0; lines < 3000; end++) {
            lines += file[end] == '\n' ? 1 : 0;
        }
        byte[] head = java.util.Arrays.copyOf(file, end);
        fuzz("tiktoken tokenizer.model", new Mutator(head, 0, head.length), 600, TokenizerFormatException.class,
                seg -> TiktokenReader.read(NAME, seg));
    }

    @Test
    void tokenizerJson() {
        // A small byte-level tokenizer.json: the 256 byte tokens, two merges, one special token.
        StringBuilder vocab = new StringBuilder();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);
            vocab.append(b == 0 ? "" : ",").append(new com.fasterxml.jackson.databind.node.TextNode(String.valueOf(c))).append(':').append(b);
        }
        String json = "{\"added_tokens\":[{\"id\":258,\"content\":\"<|begin_of_text|>\",\"special\":true}],"
                + "\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + ",\"\u0120\u0120\":256,\"ab\":257},"
                + "\"merges\":[\"\u0120 \u0120\",[\"a\",\"b\"]]}}";
        byte[] file = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        fuzz("tokenizer.json", new Mutator(file, 0, file.length), 600, TokenizerFormatException.class,
                seg -> HfTokenizerReader.read(NAME, seg));
    }

    @Test
    void llama2cModelAndTokenizer() throws IOException {
        byte[] model = bytes("models/stories260K/stories260K.bin");
        fuzz("llama2.c model.bin", new Mutator(model, 0, 28), 1000, ModelFormatException.class,
                seg -> Llama2cModelReader.read(NAME, seg));
        byte[] tok = bytes("models/stories260K/tok512.bin");
        fuzz("llama2.c tokenizer.bin", new Mutator(tok, 0, tok.length), 500, TokenizerFormatException.class,
                seg -> Llama2cTokenizerReader.read(NAME, seg));
    }
}
